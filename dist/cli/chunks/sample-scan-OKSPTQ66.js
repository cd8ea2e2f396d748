#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  hdf5_hl_default
} from "./chunk-UWJMCAUU.js";
import "./chunk-CJW4YZWO.js";

// src/scicat/sample-scan.ts
var FIXTURE_VALUES = {
  "/measurement/instrument/instrument_name": "microCT",
  "/measurement/sample/experiment/beamline": "8.3.2",
  "/measurement/sample/experiment/experiment_lead": "Dula Parkinson",
  "/measurement/sample/experiment/pi": "Ada Lovelace",
  "/measurement/sample/experiment/proposal": "ALS-12345",
  "/measurement/sample/experimenter/email": "ada@example.org",
  "/measurement/sample/experimenter/name": "Ada Lovelace",
  "/measurement/sample/file_name": "20241201_120000_sample_a"
};
var current = (i) => 500 + i / 10;
async function writeDataExchange(path, opts = {}) {
  await hdf5_hl_default.ready;
  const omit = new Set(opts.omit ?? []);
  const n = opts.seriesLength ?? 100;
  const projections = opts.projections === void 0 ? [3, 40, 60] : opts.projections;
  const file = new hdf5_hl_default.File(path, "w");
  try {
    const ensure = (p) => {
      let g = file;
      let at = "";
      for (const part of p.split("/").filter(Boolean)) {
        at += `/${part}`;
        const e = file.get(at);
        g = e instanceof hdf5_hl_default.Group ? e : g.create_group(part);
      }
      return g;
    };
    const put = (p, data, extra = {}) => {
      if ([...omit].some((o) => p === o || p.startsWith(`${o}/`))) return;
      const slash = p.lastIndexOf("/");
      const g = ensure(p.slice(0, slash));
      const ds = g.create_dataset({ name: p.slice(slash + 1), data, shape: extra.shape ?? null, dtype: extra.dtype ?? null });
      if (extra.units !== void 0) ds.create_attribute("units", extra.units);
    };
    const putString = (p, s) => {
      if (opts.strings === "bytes") {
        const bytes = Buffer.byteLength(s, "utf8") + 4;
        put(p, s, { shape: [], dtype: `A${bytes}` });
      } else put(p, s);
    };
    for (const [p, v] of Object.entries({ ...FIXTURE_VALUES, ...opts.values })) putString(p, v);
    put("/measurement/instrument/source/beamline", "8.3.2");
    put("/measurement/instrument/source/source_name", "ALS");
    put("/measurement/instrument/source/current", Float64Array.from({ length: n }, (_, i) => current(i)), { shape: [n], units: "mA" });
    put("/measurement/instrument/monochromator/energy", Float32Array.from({ length: n }, () => 25), { shape: [n], units: "keV" });
    put("/measurement/instrument/detector/exposure_time", Float64Array.from({ length: n }, (_, i) => 0.1 + i % 2 * 1e-3), { shape: [n], units: "s" });
    put("/measurement/instrument/detector/dimension_x", new Int32Array([2560]), { shape: [1] });
    put("/measurement/instrument/detector/dimension_y", new Int32Array([2160]), { shape: [] });
    put("/measurement/instrument/detector/model", "PCO.edge");
    put("/measurement/instrument/detector/roi", new Int32Array([0, 0, 2560, 2160]), { shape: [4] });
    put("/measurement/instrument/detection_system/objective/magnification", 5, { units: "x" });
    put("/measurement/instrument/camera_motor_stack/setup/camera_distance", 52.5, { units: "mm" });
    put("/measurement/instrument/sample_motor_stack/setup/sample_x", Float64Array.from({ length: 2 * n }, (_, i) => i), { shape: [2 * n] });
    put("/measurement/instrument/slits/matrix", Float32Array.from({ length: 30 }, (_, i) => i), { shape: [5, 6] });
    put("/process/acquisition/rotation/num_angles", 1313);
    put("/process/acquisition/rotation/range", 180, { units: "deg" });
    put("/process/acquisition/flat_fields/num_flat_fields", new BigInt64Array([20n]), { shape: [] });
    put("/process/acquisition/name", new Uint8Array([...Buffer.from("tomo_scan"), 0, 0, 0]), { shape: [12], dtype: "<B" });
    put("/process/acquisition/mode", ["continuous"], { shape: [1] });
    if (projections !== null && !omit.has("/exchange/data")) {
      const [np, rows, cols] = projections;
      const data = new Uint16Array(np * rows * cols);
      for (let k = 0; k < np; k++) {
        for (let y = 0; y < rows; y++) {
          for (let x = 0; x < cols; x++) data[(k * rows + y) * cols + x] = 1e3 + x * 10 + y + k * 7;
        }
      }
      ensure("/exchange").create_dataset({ name: "data", data, shape: [np, rows, cols], dtype: "<H", chunks: [1, rows, cols] });
    }
  } finally {
    file.close();
  }
}
export {
  FIXTURE_VALUES,
  current,
  writeDataExchange
};
