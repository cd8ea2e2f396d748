#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  MissingEnv,
  resolveEnv
} from "./chunk-YSF46SAP.js";
import {
  configError
} from "./chunk-4VXUNQHW.js";

// src/services.ts
import { dirname, resolve } from "node:path";
function createServices(config, ctx) {
  let globus;
  let scicat;
  let sfapi;
  const compute = /* @__PURE__ */ new Map();
  return {
    globusSettings: config.globus,
    globus: () => globus ??= connectGlobus(config, ctx),
    scicatSettings: scicatSettingsOf(config),
    scicat: () => scicat ??= connectScicat(config, ctx),
    sfapi: () => sfapi ??= import("./nersc-TAY2YKSY.js").then(
      ({ connectSfapi }) => connectSfapi(config, (s) => {
        ctx.mask(s);
      })
    ),
    compute: (app) => {
      const key = app ?? "";
      let c = compute.get(key);
      if (!c) {
        c = Promise.all([import("./alcf-7ESH3FMJ.js"), import("./compute-IJUOZG4M.js")]).then(
          ([{ computeClientOf }, { ComputeClient }]) => computeClientOf(config, app, (s) => {
            ctx.mask(s);
          }, (o) => new ComputeClient(o))
        );
        compute.set(key, c);
      }
      return c;
    }
  };
}
function scicatSettingsOf(config) {
  const sc = config.scicat ?? {};
  const text = (key) => typeof sc[key] === "string" ? sc[key] : void 0;
  return {
    dryRunDir: resolve(dirname(config.source), text("dry_run_dir") ?? "scicat-dry-run"),
    fallbackEmail: text("fallback_email") ?? "scicat-ingest@als.lbl.gov"
  };
}
function scicatConnection(config) {
  const sc = config.scicat ?? {};
  const url = sc.url;
  if (url === void 0) return void 0;
  const field = (key) => {
    const v = sc[key];
    if (typeof v === "string" || v instanceof MissingEnv) return v;
    throw configError(`${config.source}: scicat.${key} is required when scicat.url is set`, "add it as an ${ENV} reference (see docs/config.md)");
  };
  if (typeof url !== "string" || !/^https?:\/\//.test(url)) throw configError(`${config.source}: scicat.url must be an http(s) URL`);
  return { url: url.replace(/\/+$/, ""), username: field("username"), password: field("password"), maxRetries: typeof sc.max_retries === "number" ? sc.max_retries : void 0 };
}
async function connectScicat(config, ctx) {
  const conn = scicatConnection(config);
  if (conn === void 0) return void 0;
  const mask = (s) => {
    ctx.mask(s);
  };
  const username = resolveEnv(conn.username, { secret: false, mask });
  const password = resolveEnv(conn.password, { secret: true, mask });
  const { ScicatClient } = await import("./scicat-DBCMMJMQ.js");
  return new ScicatClient({ baseUrl: conn.url, username, password, mask, ...conn.maxRetries === void 0 ? {} : { retry: { maxRetries: conn.maxRetries } } });
}
async function connectGlobus(config, ctx) {
  const names = [...config.globusApps.keys()];
  const name = config.globus.app ?? names[0];
  const app = name === void 0 ? void 0 : config.globusApps.get(name);
  if (!app || name === void 0) {
    throw configError(
      `a Globus transfer needs credentials, but ${config.source} has no globus.globus_apps`,
      "add globus: { globus_apps: { <name>: { client_id: ${GLOBUS_CLIENT_ID}, client_secret: ${GLOBUS_CLIENT_SECRET} } } } (see docs/config.md)"
    );
  }
  const mask = (s) => {
    ctx.mask(s);
  };
  const clientId = resolveEnv(app.client_id, { secret: true, mask });
  const clientSecret = resolveEnv(app.client_secret, { secret: true, mask });
  const { TransferClient } = await import("./globus-KR5XXKYG.js");
  return new TransferClient({ authUrl: config.globus.authUrl, transferUrl: config.globus.transferUrl, clientId, clientSecret, mask });
}

export {
  createServices,
  scicatSettingsOf,
  scicatConnection
};
