#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  configuredBeamlines
} from "./chunk-OR4MGSNX.js";
import "./chunk-X6V6M5FP.js";
import "./chunk-PPB26NPS.js";
import "./chunk-H27OFIM4.js";
import "./chunk-UWJMCAUU.js";
import {
  REPORT_SCHEMA
} from "./chunk-6CS6BZN2.js";
import {
  GitHubClient,
  GitHubError
} from "./chunk-UAXXYRI7.js";
import "./chunk-FJRQZ2JG.js";
import "./chunk-D3FNX6KP.js";
import "./chunk-TW65XS63.js";
import "./chunk-BZ7FWTMI.js";
import "./chunk-DRKAAUWT.js";
import "./chunk-ZKZFWNJI.js";
import {
  defaultEventType,
  loadConfig
} from "./chunk-TCTI7BQX.js";
import "./chunk-YSF46SAP.js";
import "./chunk-SJJOETN5.js";
import "./chunk-77DN62NS.js";
import "./chunk-LYSRECY6.js";
import "./chunk-2647Y4NJ.js";
import {
  formatBytes,
  formatDuration,
  formatRate
} from "./chunk-D3JGPBA4.js";
import "./chunk-2EMMB7EI.js";
import "./chunk-CM3S2AB6.js";
import "./chunk-BKXTPT6A.js";
import "./chunk-Z46AX643.js";
import {
  isRecord
} from "./chunk-YQAML7Q2.js";
import {
  usageError
} from "./chunk-4VXUNQHW.js";
import "./chunk-ZFJJYYNF.js";
import "./chunk-CJW4YZWO.js";

// src/status/index.ts
import { mkdir as mkdir2, readdir, rename as rename2, rm, writeFile as writeFile2 } from "node:fs/promises";
import path2 from "node:path";

// src/status/collect.ts
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";

// node_modules/fflate/esm/index.mjs
import { createRequire } from "module";
var require2 = createRequire("/");
var _a;
var Worker;
var isMarkedAsUntransferable;
try {
  _a = require2("worker_threads"), Worker = _a.Worker, isMarkedAsUntransferable = _a.isMarkedAsUntransferable;
} catch (e) {
}
var u8 = Uint8Array;
var u16 = Uint16Array;
var i32 = Int32Array;
var fleb = new u8([
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  1,
  1,
  1,
  1,
  2,
  2,
  2,
  2,
  3,
  3,
  3,
  3,
  4,
  4,
  4,
  4,
  5,
  5,
  5,
  5,
  0,
  /* unused */
  0,
  0,
  /* impossible */
  0
]);
var fdeb = new u8([
  0,
  0,
  0,
  0,
  1,
  1,
  2,
  2,
  3,
  3,
  4,
  4,
  5,
  5,
  6,
  6,
  7,
  7,
  8,
  8,
  9,
  9,
  10,
  10,
  11,
  11,
  12,
  12,
  13,
  13,
  /* unused */
  0,
  0
]);
var clim = new u8([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);
var freb = function(eb, start) {
  var b = new u16(31);
  for (var i2 = 0; i2 < 31; ++i2) {
    b[i2] = start += 1 << eb[i2 - 1];
  }
  var r = new i32(b[30]);
  for (var i2 = 1; i2 < 30; ++i2) {
    for (var j = b[i2]; j < b[i2 + 1]; ++j) {
      r[j] = j - b[i2] << 5 | i2;
    }
  }
  return { b, r };
};
var _a = freb(fleb, 2);
var fl = _a.b;
var revfl = _a.r;
fl[28] = 258, revfl[258] = 28;
var _b = freb(fdeb, 0);
var fd = _b.b;
var revfd = _b.r;
var rev = new u16(32768);
for (i = 0; i < 32768; ++i) {
  x = (i & 43690) >> 1 | (i & 21845) << 1;
  x = (x & 52428) >> 2 | (x & 13107) << 2;
  x = (x & 61680) >> 4 | (x & 3855) << 4;
  rev[i] = ((x & 65280) >> 8 | (x & 255) << 8) >> 1;
}
var x;
var i;
var hMap = (function(cd, mb, r) {
  var s = cd.length;
  var i2 = 0;
  var l = new u16(mb);
  for (; i2 < s; ++i2) {
    if (cd[i2])
      ++l[cd[i2] - 1];
  }
  var le = new u16(mb);
  for (i2 = 1; i2 < mb; ++i2) {
    le[i2] = le[i2 - 1] + l[i2 - 1] << 1;
  }
  var co;
  if (r) {
    co = new u16(1 << mb);
    var rvb = 15 - mb;
    for (i2 = 0; i2 < s; ++i2) {
      if (cd[i2]) {
        var sv = i2 << 4 | cd[i2];
        var r_1 = mb - cd[i2];
        var v = le[cd[i2] - 1]++ << r_1;
        for (var m = v | (1 << r_1) - 1; v <= m; ++v) {
          co[rev[v] >> rvb] = sv;
        }
      }
    }
  } else {
    co = new u16(s);
    for (i2 = 0; i2 < s; ++i2) {
      if (cd[i2]) {
        co[i2] = rev[le[cd[i2] - 1]++] >> 15 - cd[i2];
      }
    }
  }
  return co;
});
var flt = new u8(288);
for (i = 0; i < 144; ++i)
  flt[i] = 8;
var i;
for (i = 144; i < 256; ++i)
  flt[i] = 9;
var i;
for (i = 256; i < 280; ++i)
  flt[i] = 7;
var i;
for (i = 280; i < 288; ++i)
  flt[i] = 8;
var i;
var fdt = new u8(32);
for (i = 0; i < 32; ++i)
  fdt[i] = 5;
var i;
var flrm = /* @__PURE__ */ hMap(flt, 9, 1);
var fdrm = /* @__PURE__ */ hMap(fdt, 5, 1);
var max = function(a) {
  var m = a[0];
  for (var i2 = 1; i2 < a.length; ++i2) {
    if (a[i2] > m)
      m = a[i2];
  }
  return m;
};
var bits = function(d, p, m) {
  var o = p / 8 | 0;
  return (d[o] | d[o + 1] << 8) >> (p & 7) & m;
};
var bits16 = function(d, p) {
  var o = p / 8 | 0;
  return (d[o] | d[o + 1] << 8 | d[o + 2] << 16) >> (p & 7);
};
var shft = function(p) {
  return (p + 7) / 8 | 0;
};
var slc = function(v, s, e) {
  if (s == null || s < 0)
    s = 0;
  if (e == null || e > v.length)
    e = v.length;
  return new u8(v.subarray(s, e));
};
var ec = [
  "unexpected EOF",
  "invalid block type",
  "invalid length/literal",
  "invalid distance",
  "stream finished",
  "no stream handler",
  ,
  // determined by compression function
  "no callback",
  "invalid UTF-8 data",
  "extra field too long",
  "date not in range 1980-2099",
  "filename too long",
  "stream finishing",
  "invalid zip data"
  // determined by unknown compression method
];
var err = function(ind, msg, nt) {
  var e = new Error(msg || ec[ind]);
  e.code = ind;
  if (Error.captureStackTrace)
    Error.captureStackTrace(e, err);
  if (!nt)
    throw e;
  return e;
};
var inflt = function(dat, st, buf, dict) {
  var sl = dat.length, dl = dict ? dict.length : 0;
  if (!sl || st.f && !st.l)
    return buf || new u8(0);
  var noBuf = !buf;
  var resize = noBuf || st.i != 2;
  var noSt = st.i;
  if (noBuf)
    buf = new u8(sl * 3);
  var cbuf = function(l2) {
    var bl = buf.length;
    if (l2 > bl) {
      var nbuf = new u8(Math.max(bl * 2, l2));
      nbuf.set(buf);
      buf = nbuf;
    }
  };
  var final = st.f || 0, pos = st.p || 0, bt = st.b || 0, lm = st.l, dm = st.d, lbt = st.m, dbt = st.n;
  var tbts = sl * 8;
  do {
    if (!lm) {
      final = bits(dat, pos, 1);
      var type = bits(dat, pos + 1, 3);
      pos += 3;
      if (!type) {
        var s = shft(pos) + 4, l = dat[s - 4] | dat[s - 3] << 8, t = s + l;
        if (t > sl) {
          if (noSt)
            err(0);
          break;
        }
        if (resize)
          cbuf(bt + l);
        buf.set(dat.subarray(s, t), bt);
        st.b = bt += l, st.p = pos = t * 8, st.f = final;
        continue;
      } else if (type == 1)
        lm = flrm, dm = fdrm, lbt = 9, dbt = 5;
      else if (type == 2) {
        var hLit = bits(dat, pos, 31) + 257, hcLen = bits(dat, pos + 10, 15) + 4;
        var tl = hLit + bits(dat, pos + 5, 31) + 1;
        pos += 14;
        var ldt = new u8(tl);
        var clt = new u8(19);
        for (var i2 = 0; i2 < hcLen; ++i2) {
          clt[clim[i2]] = bits(dat, pos + i2 * 3, 7);
        }
        pos += hcLen * 3;
        var clb = max(clt), clbmsk = (1 << clb) - 1;
        var clm = hMap(clt, clb, 1);
        for (var i2 = 0; i2 < tl; ) {
          var r = clm[bits(dat, pos, clbmsk)];
          pos += r & 15;
          var s = r >> 4;
          if (s < 16) {
            ldt[i2++] = s;
          } else {
            var c = 0, n = 0;
            if (s == 16)
              n = 3 + bits(dat, pos, 3), pos += 2, c = ldt[i2 - 1];
            else if (s == 17)
              n = 3 + bits(dat, pos, 7), pos += 3;
            else if (s == 18)
              n = 11 + bits(dat, pos, 127), pos += 7;
            while (n--)
              ldt[i2++] = c;
          }
        }
        var lt = ldt.subarray(0, hLit), dt = ldt.subarray(hLit);
        lbt = max(lt);
        dbt = max(dt);
        lm = hMap(lt, lbt, 1);
        dm = hMap(dt, dbt, 1);
      } else
        err(1);
      if (pos > tbts) {
        if (noSt)
          err(0);
        break;
      }
    }
    if (resize)
      cbuf(bt + 131072);
    var lms = (1 << lbt) - 1, dms = (1 << dbt) - 1;
    var lpos = pos;
    for (; ; lpos = pos) {
      var c = lm[bits16(dat, pos) & lms], sym = c >> 4;
      pos += c & 15;
      if (pos > tbts) {
        if (noSt)
          err(0);
        break;
      }
      if (!c)
        err(2);
      if (sym < 256)
        buf[bt++] = sym;
      else if (sym == 256) {
        lpos = pos, lm = null;
        break;
      } else {
        var add = sym - 254;
        if (sym > 264) {
          var i2 = sym - 257, b = fleb[i2];
          add = bits(dat, pos, (1 << b) - 1) + fl[i2];
          pos += b;
        }
        var d = dm[bits16(dat, pos) & dms], dsym = d >> 4;
        if (!d)
          err(3);
        pos += d & 15;
        var dt = fd[dsym];
        if (dsym > 3) {
          var b = fdeb[dsym];
          dt += bits16(dat, pos) & (1 << b) - 1, pos += b;
        }
        if (pos > tbts) {
          if (noSt)
            err(0);
          break;
        }
        if (resize)
          cbuf(bt + 131072);
        var end = bt + add;
        if (bt < dt) {
          var shift = dl - dt, dend = Math.min(dt, end);
          if (shift + bt < 0)
            err(3);
          for (; bt < dend; ++bt)
            buf[bt] = dict[shift + bt];
        }
        for (; bt < end; ++bt)
          buf[bt] = buf[bt - dt];
      }
    }
    st.l = lm, st.p = lpos, st.b = bt, st.f = final;
    if (lm)
      final = 1, st.m = lbt, st.d = dm, st.n = dbt;
  } while (!final);
  return bt != buf.length && noBuf ? slc(buf, 0, bt) : buf.subarray(0, bt);
};
var et = /* @__PURE__ */ new u8(0);
var b2 = function(d, b) {
  return d[b] | d[b + 1] << 8;
};
var b4 = function(d, b) {
  return (d[b] | d[b + 1] << 8 | d[b + 2] << 16 | d[b + 3] << 24) >>> 0;
};
var b8 = function(d, b) {
  return b4(d, b) + b4(d, b + 4) * 4294967296;
};
function inflateSync(data, opts) {
  return inflt(data, { i: 2 }, opts && opts.out, opts && opts.dictionary);
}
var td = typeof TextDecoder != "undefined" && /* @__PURE__ */ new TextDecoder();
var tds = 0;
try {
  td.decode(et, { stream: true });
  tds = 1;
} catch (e) {
}
var dutf8 = function(d) {
  for (var r = "", i2 = 0; ; ) {
    var c = d[i2++];
    var eb = (c > 127) + (c > 223) + (c > 239);
    if (i2 + eb > d.length)
      return { s: r, r: slc(d, i2 - 1) };
    if (!eb)
      r += String.fromCharCode(c);
    else if (eb == 3) {
      c = ((c & 15) << 18 | (d[i2++] & 63) << 12 | (d[i2++] & 63) << 6 | d[i2++] & 63) - 65536, r += String.fromCharCode(55296 | c >> 10, 56320 | c & 1023);
    } else if (eb & 1)
      r += String.fromCharCode((c & 31) << 6 | d[i2++] & 63);
    else
      r += String.fromCharCode((c & 15) << 12 | (d[i2++] & 63) << 6 | d[i2++] & 63);
  }
};
function strFromU8(dat, latin1) {
  if (latin1) {
    var r = "";
    for (var i2 = 0; i2 < dat.length; i2 += 16384)
      r += String.fromCharCode.apply(null, dat.subarray(i2, i2 + 16384));
    return r;
  } else if (td) {
    return td.decode(dat);
  } else {
    var _a2 = dutf8(dat), s = _a2.s, r = _a2.r;
    if (r.length)
      err(8);
    return s;
  }
}
var slzh = function(d, b) {
  return b + 30 + b2(d, b + 26) + b2(d, b + 28);
};
var zh = function(d, b, z) {
  var fnl = b2(d, b + 28), efl = b2(d, b + 30), fn = strFromU8(d.subarray(b + 46, b + 46 + fnl), !(b2(d, b + 8) & 2048)), es = b + 46 + fnl;
  var _a2 = z64hs(d, es, efl, z, b4(d, b + 20), b4(d, b + 24), b4(d, b + 42)), sc = _a2[0], su = _a2[1], off = _a2[2];
  return [b2(d, b + 10), sc, su, fn, es + efl + b2(d, b + 32), off];
};
var z64hs = function(d, b, l, z, sc, su, off) {
  var nsc = sc == 4294967295, nsu = su == 4294967295, noff = off == 4294967295, e = b + l;
  var nf = nsc + nsu + noff;
  if (z && nf) {
    for (; b + 4 < e; b += 4 + b2(d, b + 2)) {
      if (b2(d, b) == 1) {
        return [
          nsc ? b8(d, b + 4 + 8 * nsu) : sc,
          nsu ? b8(d, b + 4) : su,
          noff ? b8(d, b + 4 + 8 * (nsu + nsc)) : off,
          1
        ];
      }
    }
    if (z < 2)
      err(13);
  }
  return [sc, su, off, 0];
};
function unzipSync(data, opts) {
  var files = {};
  var e = data.length - 22;
  for (; b4(data, e) != 101010256; --e) {
    if (!e || data.length - e > 65558)
      err(13);
  }
  ;
  var c = b2(data, e + 8);
  if (!c)
    return {};
  var o = b4(data, e + 16);
  var z = b4(data, e - 20) == 117853008;
  if (z) {
    var ze = b4(data, e - 12);
    z = b4(data, ze) == 101075792;
    if (z) {
      c = b4(data, ze + 32);
      o = b4(data, ze + 48);
    }
  }
  var fltr = opts && opts.filter;
  for (var i2 = 0; i2 < c; ++i2) {
    var _a2 = zh(data, o, z), c_2 = _a2[0], sc = _a2[1], su = _a2[2], fn = _a2[3], no = _a2[4], off = _a2[5], b = slzh(data, off);
    o = no;
    if (!fltr || fltr({
      name: fn,
      size: sc,
      originalSize: su,
      compression: c_2
    })) {
      if (!c_2)
        files[fn] = slc(data, b, b + sc);
      else if (c_2 == 8)
        files[fn] = inflateSync(data.subarray(b, b + sc), { out: new u8(su) });
      else
        err(14, "unknown compression type " + c_2);
    }
  }
  return files;
}

// src/status/collect.ts
var REPORT_ARTIFACT_PREFIX = "splash-report-";
var CACHE_FILE = "status-cache.json";
var MAX_ZIP_BYTES = 20 * 1024 * 1024;
var Stop = class extends Error {
};
async function loadCache(dir) {
  const empty = { version: 1, runs: {}, artifacts: {}, pending: [], runsComplete: false, artifactsComplete: false };
  if (dir === void 0) return empty;
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, CACHE_FILE), "utf8"));
    if (parsed.version !== 1 || typeof parsed.runs !== "object" || typeof parsed.artifacts !== "object" || !Array.isArray(parsed.pending)) return empty;
    return { version: 1, runs: parsed.runs, artifacts: parsed.artifacts, pending: parsed.pending, runsComplete: parsed.runsComplete === true, artifactsComplete: parsed.artifactsComplete === true };
  } catch {
    return empty;
  }
}
async function saveCache(dir, cache) {
  if (dir === void 0) return;
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, CACHE_FILE);
  await writeFile(`${file}.partial`, JSON.stringify(cache));
  await rename(`${file}.partial`, file);
}
async function plainDownload(url) {
  const res = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(6e4) });
  if (!res.ok) throw new Error(`download answered ${res.status}`);
  const length = Number(res.headers.get("content-length") ?? "0");
  if (length > MAX_ZIP_BYTES) throw new Error(`artifact of ${length} bytes is larger than a report can be`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.length > MAX_ZIP_BYTES) throw new Error(`artifact of ${body.length} bytes is larger than a report can be`);
  return body;
}
var MAX_REPORT_BYTES = 4 * 1024 * 1024;
var MAX_ARTIFACT_REPORT_BYTES = 16 * 1024 * 1024;
function isStepReport(doc) {
  if (!isRecord(doc)) return false;
  const d = doc;
  const isString = (v) => typeof v === "string";
  const orNull = (v) => v === null || isString(v);
  return d.schema === REPORT_SCHEMA && isString(d.step) && isString(d.title) && orNull(d.beamline) && (d.status === "ok" || d.status === "failed") && orNull(d.error) && isString(d.started) && !Number.isNaN(Date.parse(d.started)) && isString(d.finished) && typeof d.seconds === "number" && Number.isFinite(d.seconds) && d.seconds >= 0 && d.facts !== null && typeof d.facts === "object" && !Array.isArray(d.facts);
}
function reportsInZip(zip) {
  let total = 0;
  const files = unzipSync(zip, {
    filter: (f) => {
      if (!f.name.endsWith(".json")) return false;
      const size = Math.max(f.size, f.originalSize);
      if (size >= MAX_REPORT_BYTES) return false;
      total += size;
      if (total > MAX_ARTIFACT_REPORT_BYTES) throw new Error(`its report files unpack to more than ${MAX_ARTIFACT_REPORT_BYTES} bytes, larger than a report can be`);
      return true;
    }
  });
  const docs = [];
  for (const [, bytes] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    try {
      const doc = JSON.parse(new TextDecoder().decode(bytes));
      if (isStepReport(doc)) docs.push(doc);
    } catch {
    }
  }
  return docs;
}
var PIPELINE_EVENTS = /* @__PURE__ */ new Set(["repository_dispatch", "schedule", "workflow_dispatch"]);
function runInfo(raw) {
  const s = (k) => typeof raw[k] === "string" ? raw[k] : "";
  return {
    id: Number(raw.id),
    workflow: s("name"),
    path: s("path"),
    title: s("display_title"),
    event: s("event"),
    status: s("status"),
    conclusion: typeof raw.conclusion === "string" ? raw.conclusion : null,
    created: s("created_at"),
    updated: s("updated_at"),
    url: s("html_url")
  };
}
async function collect(opts) {
  const { client } = opts;
  const sleep = opts.sleep ?? ((ms) => delay(ms));
  const download = opts.download ?? plainDownload;
  const maxWaitMs = opts.maxWaitMs ?? 6e4;
  const log = opts.log ?? (() => void 0);
  const since = opts.since.getTime();
  const start = client.requestsSent;
  const cache = await loadCache(opts.cacheDir);
  cache.runs = Object.fromEntries(Object.entries(cache.runs).filter(([, r]) => Date.parse(r.created) >= since));
  cache.artifacts = Object.fromEntries(Object.entries(cache.artifacts).filter(([, a]) => Date.parse(a.created) >= since));
  cache.pending = cache.pending.filter((p) => Date.parse(p.created) >= since);
  let stopped;
  const used = () => client.requestsSent - start;
  async function request(fn) {
    for (; ; ) {
      if (used() >= opts.maxRequests) throw new Stop(`the budget of ${opts.maxRequests} API requests per build is spent`);
      const rate = client.lastRate;
      if (rate !== void 0 && rate.remaining <= opts.reserve) {
        throw new Stop(`GitHub's rate limit has ${rate.remaining} requests left this hour (reserve ${opts.reserve}); resets ${new Date(rate.reset * 1e3).toISOString()}`);
      }
      try {
        return await fn();
      } catch (err2) {
        if (err2 instanceof GitHubError && err2.kind === "rate-limit") {
          const wait = err2.serverWaitMs ?? 6e4;
          if (wait > maxWaitMs) throw new Stop(`GitHub's rate limit asks to wait ${Math.ceil(wait / 1e3)} s`);
          log(`rate limited: waiting ${Math.ceil(wait / 1e3)} s as GitHub asks`);
          await sleep(wait);
          continue;
        }
        throw err2;
      }
    }
  }
  const queue = cache.pending;
  const pendingIds = new Set(queue.map((p) => p.id));
  try {
    let next = "/repos/{owner}/{repo}/actions/runs";
    let params = { per_page: 100, exclude_pull_requests: true };
    const runsWereComplete = cache.runsComplete;
    cache.runsComplete = false;
    while (next !== void 0) {
      const url = next;
      const page = await request(() => client.getPage("listing workflow runs", url, params));
      params = {};
      const runs2 = (page.data.workflow_runs ?? []).map((r) => runInfo(r));
      let fresh = 0;
      let old = false;
      for (const r of runs2) {
        if (Date.parse(r.created) < since) {
          old = true;
          continue;
        }
        const known = cache.runs[String(r.id)];
        if (!known || known.updated !== r.updated || known.status !== r.status) fresh++;
        cache.runs[String(r.id)] = r;
      }
      next = old || runsWereComplete && fresh === 0 && runs2.length > 0 ? void 0 : page.next;
    }
    cache.runsComplete = true;
    next = "/repos/{owner}/{repo}/actions/artifacts";
    params = { per_page: 100 };
    const artifactsWereComplete = cache.artifactsComplete;
    cache.artifactsComplete = false;
    while (next !== void 0) {
      const url = next;
      const page = await request(() => client.getPage("listing artifacts", url, params));
      params = {};
      const list = page.data.artifacts ?? [];
      let fresh = 0;
      let old = false;
      for (const a of list) {
        if (Date.parse(a.created_at) < since) {
          old = true;
          continue;
        }
        if (!a.name.startsWith(REPORT_ARTIFACT_PREFIX) || a.expired || cache.artifacts[String(a.id)] !== void 0 || pendingIds.has(a.id)) continue;
        fresh++;
        pendingIds.add(a.id);
        queue.push({ id: a.id, run: a.workflow_run?.id ?? 0, created: a.created_at });
      }
      next = old || artifactsWereComplete && fresh === 0 && list.length > 0 ? void 0 : page.next;
    }
    cache.artifactsComplete = true;
    queue.sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
    while (queue.length > 0) {
      const a = queue[0];
      if (a === void 0) break;
      const url = await request(() => client.artifactZipUrl(a.id));
      let docs = [];
      try {
        docs = reportsInZip(await download(url));
      } catch (err2) {
        log(`artifact ${a.id}: ${err2 instanceof Error ? err2.message : String(err2)}`);
        queue.shift();
        continue;
      }
      cache.artifacts[String(a.id)] = { run: a.run, created: a.created, docs };
      queue.shift();
    }
  } catch (err2) {
    if (!(err2 instanceof Stop)) throw err2;
    stopped = err2.message;
    log(`stopped early: ${stopped}`);
  }
  await saveCache(opts.cacheDir, cache);
  const runs = Object.values(cache.runs).filter((r) => PIPELINE_EVENTS.has(r.event));
  const trusted = new Set(runs.map((r) => r.id));
  const reports = Object.entries(cache.artifacts).filter(([, a]) => trusted.has(a.run)).flatMap(([id, a]) => a.docs.filter(isStepReport).map((doc) => ({ artifact: Number(id), run: a.run, doc })));
  return {
    runs: runs.sort((a, b) => Date.parse(b.created) - Date.parse(a.created) || b.id - a.id),
    reports,
    requests: used(),
    unread: queue.length,
    unreadRuns: new Set(queue.map((q) => q.run)),
    stopped,
    rateRemaining: client.lastRate?.remaining
  };
}

// src/status/model.ts
var ROWS = 50;
var SCAN_STEPS = ["move", "ingest", "recon"];
var num = (v) => typeof v === "number" && Number.isFinite(v) ? v : void 0;
var str = (v) => typeof v === "string" ? v : "";
var arr = (v) => Array.isArray(v) ? v : [];
var rec = (v) => typeof v === "object" && v !== null && !Array.isArray(v) ? v : {};
function filesOf(doc) {
  const paths = arr(doc.facts.paths).map(str);
  const total = num(doc.facts.paths_total) ?? paths.length;
  if (paths.length === 0) return "";
  return total > 1 ? `${paths[0] ?? ""} + ${total - 1} more` : paths[0] ?? "";
}
function cellOf(doc) {
  const bytes = num(doc.facts.bytes);
  const rate = doc.step === "move" && bytes !== void 0 && doc.seconds > 0 ? bytes / doc.seconds : void 0;
  let detail = doc.error ?? "";
  if (detail === "" && doc.step === "recon") {
    const states = arr(doc.facts.scans).flatMap((s) => arr(rec(s).jobs).map((j) => str(rec(j).state)));
    detail = [...new Set(states)].join(", ");
  }
  if (detail === "" && doc.step === "ingest") detail = `${num(doc.facts.datasets) ?? 0} dataset(s)`;
  return { outcome: doc.status, seconds: doc.seconds, rate, detail };
}
var dayOf = (iso) => iso.slice(0, 10);
function buildModel(input) {
  const runsById = new Map(input.runs.map((r) => [r.id, r]));
  const urlOf = (run) => runsById.get(run)?.url ?? "";
  const latest = /* @__PURE__ */ new Map();
  for (const r of input.reports) {
    const key = `${r.run}|${r.doc.step}|${r.doc.beamline ?? ""}|${r.doc.title}`;
    const had = latest.get(key);
    if (!had || had.doc.started < r.doc.started) latest.set(key, r);
  }
  const reports = [...latest.values()].sort((a, b) => a.doc.started < b.doc.started ? 1 : a.doc.started > b.doc.started ? -1 : 0);
  const beamlines = input.beamlines.map((info) => {
    const mine = reports.filter((r) => r.doc.beamline === info.id);
    const byRun = /* @__PURE__ */ new Map();
    for (const r of mine) {
      if (!SCAN_STEPS.includes(r.doc.step)) continue;
      byRun.set(r.run, [...byRun.get(r.run) ?? [], r]);
    }
    for (const run of input.runs) {
      if (run.title === info.eventType && !byRun.has(run.id)) byRun.set(run.id, []);
    }
    const scans = [...byRun.entries()].map(([run, rs]) => {
      const info2 = runsById.get(run);
      const steps = {};
      for (const r of rs) steps[r.doc.step] = cellOf(r.doc);
      const first = rs.find((r) => r.doc.step === "move") ?? rs[0];
      if (rs.length === 0) {
        const running = info2 !== void 0 && info2.status !== "completed";
        const unread = input.unreadRuns?.has(run) === true;
        const detail = running ? "in progress" : unread ? `run ${info2?.conclusion ?? "unknown"}; its reports are read by the next build` : `run ${info2?.conclusion ?? "unknown"} before a step reported`;
        steps.move = { outcome: running ? "running" : info2?.conclusion === "success" ? "ok" : "failed", seconds: void 0, rate: void 0, detail };
      }
      return {
        run,
        url: urlOf(run),
        time: first?.doc.started ?? info2?.created ?? "",
        files: first ? filesOf(first.doc) : "",
        bytes: first ? num(first.doc.facts.bytes) : void 0,
        steps
      };
    });
    scans.sort((a, b) => a.time < b.time ? 1 : a.time > b.time ? -1 : b.run - a.run);
    const failures = [];
    for (const s of scans) {
      for (const [step, cell2] of Object.entries(s.steps)) {
        if (cell2.outcome === "failed") failures.push({ run: s.run, url: s.url, time: s.time, step, files: s.files, reason: cell2.detail });
      }
    }
    for (const r of reports) {
      if ((r.doc.step === "prune" || r.doc.step === "hpss") && r.doc.status === "failed" && (r.doc.beamline === info.id || r.doc.beamline === null)) {
        failures.push({ run: r.run, url: urlOf(r.run), time: r.doc.started, step: r.doc.title, files: "", reason: r.doc.error ?? "" });
      }
    }
    failures.sort((a, b) => a.time < b.time ? 1 : a.time > b.time ? -1 : 0);
    return {
      info,
      scans: scans.slice(0, ROWS),
      scansTotal: scans.length,
      failures: failures.slice(0, ROWS),
      failuresTotal: failures.length,
      prune: pruneView(info, reports, urlOf),
      tape: tapeOf(info, reports),
      days: daysOf(mine, input.now, input.since)
    };
  });
  return {
    generated: input.now.toISOString(),
    since: input.since.toISOString(),
    repository: input.repository,
    beamlines,
    runs: input.runs.length,
    reports: input.reports.length
  };
}
function pruneView(info, reports, urlOf) {
  const preview = reports.find((r) => r.doc.step === "prune" && r.doc.status === "ok" && r.doc.facts.dry_run === true && (r.doc.beamline === null || r.doc.beamline === info.id));
  if (!preview) return void 0;
  const ruleKeys = new Set(info.prune.map((p) => `${p.endpoint}|${p.check}`));
  const rules = arr(preview.doc.facts.rules).map(rec).filter((r) => ruleKeys.has(`${str(r.endpoint)}|${str(r.check)}`)).map((r) => ({
    endpoint: str(r.endpoint),
    check: str(r.check),
    after_days: num(r.after_days) ?? 0,
    files: num(r.pruned) ?? 0,
    bytes: num(r.pruned_bytes) ?? 0,
    examples: arr(r.pruned_files).map(rec).map((f) => ({ path: str(f.path), bytes: num(f.bytes) ?? 0, mtime: str(f.mtime) })),
    unsafe: arr(r.unsafe_files).map(rec).map((f) => ({ path: str(f.path), reason: str(f.reason) })),
    unsafeTotal: num(r.unsafe) ?? 0
  }));
  return { asOf: str(preview.doc.facts.now) || preview.doc.started, run: preview.run, url: urlOf(preview.run), rules };
}
function tapeOf(info, reports) {
  const seen = /* @__PURE__ */ new Map();
  for (const r of reports) {
    if (r.doc.step !== "hpss" || r.doc.facts.dry_run === true) continue;
    for (const a of arr(r.doc.facts.archives).map(rec)) {
      if (str(a.beamline) !== info.id) continue;
      const key = `${str(a.cycle) || "unknown"}|${str(a.proposal)}`;
      if (seen.has(key)) continue;
      seen.set(key, { proposal: str(a.proposal), files: num(a.files) ?? 0, bytes: num(a.bytes) ?? 0, failed: a.error !== null && a.error !== void 0, time: r.doc.started });
    }
  }
  const cycles = /* @__PURE__ */ new Map();
  for (const [key, p] of seen) {
    const cycle = key.split("|")[0] ?? "";
    const c = cycles.get(cycle) ?? { cycle, proposals: 0, files: 0, bytes: 0, failed: 0, last: "" };
    cycles.set(cycle, {
      cycle,
      proposals: c.proposals + (p.failed ? 0 : 1),
      files: c.files + p.files,
      bytes: c.bytes + p.bytes,
      failed: c.failed + (p.failed ? 1 : 0),
      last: c.last > p.time ? c.last : p.time
    });
  }
  return [...cycles.values()].sort((a, b) => b.cycle.localeCompare(a.cycle));
}
function daysOf(mine, now, since) {
  const days = /* @__PURE__ */ new Map();
  for (let t = Date.parse(`${dayOf(since.toISOString())}T00:00:00Z`); t <= now.getTime(); t += 864e5) days.set(dayOf(new Date(t).toISOString()), { bytes: 0, seconds: 0, files: 0 });
  for (const r of mine) {
    if (r.doc.step !== "move" || r.doc.status !== "ok") continue;
    const d = days.get(dayOf(r.doc.started));
    if (!d) continue;
    d.bytes += num(r.doc.facts.bytes) ?? 0;
    d.seconds += r.doc.seconds;
    d.files += num(r.doc.facts.files_total) ?? 0;
  }
  return [...days.entries()].map(([day, d]) => ({ day, ...d }));
}

// src/status/render.ts
var pageName = (id) => `bl${id.replace(/\D/g, "")}`;
function esc(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/[\r\n\u2028\u2029]+/g, " ");
}
function link(url, text) {
  return /^https?:\/\//i.test(url) ? `<a href="${esc(url)}" class="run-link">${esc(text)}</a>` : esc(text);
}
var when = (iso) => iso === "" ? "" : `${iso.slice(0, 16).replace("T", " ")} UTC`;
function table(cls, header2, rows) {
  const head = `<thead><tr>${header2.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>`;
  const body = `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("\n")}</tbody>`;
  return `<table class="${cls}">
${head}
${body}
</table>`;
}
var block = (html) => `<div v-pre class="splash-status">
${html}
</div>`;
function cell(c) {
  if (!c) return '<span class="outcome none">—</span>';
  const parts = [c.seconds === void 0 ? "" : formatDuration(c.seconds), c.rate === void 0 ? "" : formatRate(c.rate)].filter((p) => p !== "");
  const title = c.detail === "" ? "" : ` title="${esc(c.detail)}"`;
  return `<span class="outcome ${esc(c.outcome.replace(/[^a-z]+/g, "-"))}"${title}>${esc(c.outcome)}</span>${parts.length > 0 ? ` <small>${esc(parts.join(", "))}</small>` : ""}`;
}
function header(model, facts) {
  const lines = [
    `Built ${when(model.generated)} from the runs of the last ${Math.round((Date.parse(model.generated) - Date.parse(model.since)) / 864e5)} days in \`${model.repository}\` (${model.runs} runs, ${model.reports} step reports), with ${facts.requests} GitHub API requests (budget ${facts.maxRequests} per build${facts.rateRemaining === void 0 ? "" : `, ${facts.rateRemaining} left this hour`}).`
  ];
  if (facts.stopped !== void 0) lines.push("", `::: warning Not everything was read
The build stopped reading early: ${facts.stopped.replace(/[<>{}]/g, "")}. ${facts.unread} report(s) wait for the next build.
:::`);
  return lines.join("\n");
}
function renderIndex(model, facts) {
  const out = ["---", "title: Pipeline status", "outline: false", "aside: false", "---", "", "# Pipeline status", "", header(model, facts), ""];
  if (model.runs === 0 && model.reports === 0) {
    out.push(
      "## No runs yet",
      "",
      "There is nothing to show: no workflow run of this repository in the window has left a step report. Each step (move, ingest, recon, hpss, prune) writes a small JSON report that the workflows keep as the run artifact `splash-report-<job>`; once the first dispatch has run, this page lists every beamline's last scans, failures, the next prune, tape coverage and the data moved per day. How the pages are built: [Status pages](../status-pages.md).",
      ""
    );
  }
  const rows = model.beamlines.map((b) => {
    const last = b.scans[0];
    return [
      `<a href="./${pageName(b.info.id)}.html" class="beamline-link">${esc(b.info.id)}</a>`,
      esc(b.info.title),
      String(b.scansTotal),
      String(b.failuresTotal),
      last ? esc(when(last.time)) : "—",
      last ? cell(last.steps.move) : "—"
    ];
  });
  out.push("## Beamlines", "", block(table("status-overview", ["beamline", "name", "scans", "failures", "last scan", "its move"], rows)), "");
  out.push("Pages:", "", ...model.beamlines.map((b) => `- [${b.info.id} ${b.info.title.replace(/[[\]]/g, "")}](./${pageName(b.info.id)}.md)`), "");
  return `${out.join("\n")}
`;
}
function renderChart(days) {
  const W = 760;
  const H = 240;
  const left = 70;
  const bottom = 30;
  const top = 10;
  const plotW = W - left - 10;
  const plotH = H - top - bottom;
  const max2 = Math.max(0, ...days.map((d) => d.bytes));
  const slot = days.length > 0 ? plotW / days.length : plotW;
  const bars = days.map((d, i2) => {
    const h = max2 > 0 ? Math.round(d.bytes / max2 * plotH * 10) / 10 : 0;
    const x2 = Math.round((left + i2 * slot + slot * 0.1) * 10) / 10;
    const w = Math.max(1, Math.round(slot * 0.8 * 10) / 10);
    const rate = d.seconds > 0 ? `, ${formatRate(d.bytes / d.seconds)} while moving` : "";
    const title = `${d.day}: ${formatBytes(d.bytes)} in ${d.files} file(s)${rate}`;
    return `<rect class="bar" data-day="${d.day}" data-bytes="${d.bytes}" x="${x2}" y="${Math.round((top + plotH - h) * 10) / 10}" width="${w}" height="${h}"><title>${esc(title)}</title></rect>`;
  });
  const ticks = [0, 0.5, 1].map((f) => {
    const y = Math.round((top + plotH - f * plotH) * 10) / 10;
    return `<line class="grid" x1="${left}" x2="${W - 10}" y1="${y}" y2="${y}"/><text class="axis" x="${left - 6}" y="${y + 4}" text-anchor="end">${esc(formatBytes(max2 * f))}</text>`;
  });
  const labels = days.map((d, i2) => ({ d, i: i2 })).filter(({ i: i2 }) => i2 % 7 === 0 || i2 === days.length - 1).map(({ d, i: i2 }) => `<text class="axis" x="${Math.round(left + i2 * slot + slot / 2)}" y="${H - 10}" text-anchor="middle">${esc(d.day.slice(5))}</text>`);
  const total = days.reduce((a, d) => a + d.bytes, 0);
  return [
    `<svg class="throughput-chart" role="img" aria-label="${esc(`Data moved per day: ${formatBytes(total)} over ${days.length} days`)}" viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px">`,
    ...ticks,
    ...bars,
    ...labels,
    "</svg>"
  ].join("\n");
}
function renderBeamline(b, model, facts) {
  const id = b.info.id;
  const out = ["---", `title: ${id} status`, "aside: false", "---", "", `# ${id} ${b.info.title.replace(/[<>{}]/g, "")} — pipeline status`, "", header(model, facts), "", `Back to [all beamlines](./index.md) · how ${id} is set up: [its page](../beamlines/${pageName(id)}.md).`, ""];
  out.push("## Last scans", "");
  if (b.scans.length === 0) out.push("No dispatch of this beamline in the window.", "");
  else {
    const rows = b.scans.map((s) => [link(s.url, `run ${s.run}`), esc(when(s.time)), `<code>${esc(s.files)}</code>`, s.bytes === void 0 ? "" : esc(formatBytes(s.bytes)), ...SCAN_STEPS.map((step) => cell(s.steps[step]))]);
    out.push(block(table("status-scans", ["run", "started", "files", "size", ...SCAN_STEPS], rows)));
    if (b.scansTotal > b.scans.length) out.push("", `The newest ${b.scans.length} of ${b.scansTotal} dispatches in the window.`);
    out.push("");
  }
  out.push("## Failures", "");
  if (b.failures.length === 0) out.push("No failure in the window.", "");
  else {
    const rows = b.failures.map((f) => [link(f.url, `run ${f.run}`), esc(when(f.time)), esc(f.step), `<code>${esc(f.files)}</code>`, esc(f.reason)]);
    out.push(block(table("status-failures", ["run", "when", "step", "files", "reason"], rows)));
    if (b.failuresTotal > b.failures.length) out.push("", `The newest ${b.failures.length} of ${b.failuresTotal} failures.`);
    out.push("", "What to do when a step fails: [Operations](../operations.md#when-a-step-fails).", "");
  }
  out.push("## Next prune", "");
  if (b.info.prune.length === 0) out.push(`${id} has no prune rules: nothing is ever deleted from its storage.`, "");
  else if (!b.prune) out.push("No prune preview yet: the scheduled prune run leaves one (a dry run as of the next sweep) after each sweep.", "");
  else {
    const p = b.prune;
    out.push(block(`<p>As of the next scheduled sweep (${esc(when(p.asOf))}), from the dry run in ${link(p.url, `run ${p.run}`)}:</p>`), "");
    const rows = p.rules.map((r) => [
      `<code>${esc(r.endpoint)}</code>`,
      esc(`${r.after_days} days`),
      esc(`${r.files} file(s), ${formatBytes(r.bytes)}`),
      `each has a verified copy at the same path on <code>${esc(r.check)}</code>, checked again just before the delete`,
      r.unsafeTotal === 0 ? "0" : esc(`${r.unsafeTotal} kept: ${r.unsafe.map((u) => `${u.path} (${u.reason})`).join("; ")}`)
    ]);
    out.push(block(table("status-prune", ["endpoint", "keeps", "will delete", "why it is safe", "kept, not provably replicated"], rows)));
    const examples = p.rules.flatMap((r) => r.examples.slice(0, 5).map((e) => [`<code>${esc(r.endpoint)}</code>`, `<code>${esc(e.path)}</code>`, esc(formatBytes(e.bytes)), esc(when(e.mtime))]));
    if (examples.length > 0) out.push("", block(table("status-prune-files", ["endpoint", "file", "size", "modified"], examples)));
    out.push("");
  }
  out.push("## Tape coverage per cycle", "");
  if (b.tape.length === 0) out.push("No archive run has written this beamline to tape in the window (the archive workflow runs after each beam cycle ends).", "");
  else {
    const rows = b.tape.map((c) => [esc(c.cycle), String(c.proposals), String(c.files), esc(formatBytes(c.bytes)), String(c.failed), esc(when(c.last))]);
    out.push(block(table("status-tape", ["cycle", "proposals on tape", "files", "size", "failed", "last archived"], rows)), "");
  }
  out.push("## Data moved per day", "");
  out.push(block(renderChart(b.days)), "");
  return `${out.join("\n")}
`;
}
function renderPages(model, facts) {
  const pages = /* @__PURE__ */ new Map([["index.md", renderIndex(model, facts)]]);
  for (const b of model.beamlines) pages.set(`${pageName(b.info.id)}.md`, renderBeamline(b, model, facts));
  return pages;
}

// src/status/index.ts
async function buildStatus(opts) {
  const now = opts.now ?? /* @__PURE__ */ new Date();
  const since = new Date(now.getTime() - opts.days * 864e5);
  const collected = await collect({
    client: opts.client,
    since,
    maxRequests: opts.maxRequests,
    reserve: opts.reserve,
    cacheDir: opts.cacheDir,
    maxWaitMs: opts.maxWaitMs,
    sleep: opts.sleep,
    log: opts.log
  });
  const model = buildModel({ beamlines: opts.beamlines, runs: collected.runs, reports: collected.reports, unreadRuns: collected.unreadRuns, now, since, repository: opts.client.repository });
  const pages = renderPages(model, {
    requests: collected.requests,
    maxRequests: opts.maxRequests,
    unread: collected.unread,
    stopped: collected.stopped,
    rateRemaining: collected.rateRemaining
  });
  await mkdir2(opts.outDir, { recursive: true });
  for (const name of await readdir(opts.outDir)) {
    if (/^bl\d+\.md$/.test(name) && !pages.has(name)) await rm(path2.join(opts.outDir, name));
  }
  for (const [name, text] of pages) {
    const file = path2.join(opts.outDir, name);
    await writeFile2(`${file}.partial`, text);
    await rename2(`${file}.partial`, file);
  }
  return {
    pages: [...pages.keys()],
    requests: collected.requests,
    runs: collected.runs.length,
    reports: collected.reports.length,
    unread: collected.unread,
    stopped: collected.stopped
  };
}

// src/cli/status.ts
function whole(raw, field, min) {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min) throw usageError(`${field}: expected a whole number >= ${min}, got ${JSON.stringify(raw)}`);
  return n;
}
async function statusCommand(ctx, args, env = process.env) {
  const days = whole(args.days, "--days", 1);
  const maxRequests = whole(args.maxRequests, "--max-requests", 1);
  const reserve = whole(args.reserve, "--reserve", 0);
  const config = await loadConfig(args.config);
  const repository = args.repository ?? env.GITHUB_REPOSITORY ?? config.github?.repository ?? "";
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repository);
  if (!m) throw usageError(`--repository: expected owner/name, got ${JSON.stringify(repository)}`, "give --repository, or set GITHUB_REPOSITORY, or github.repository in config.yml");
  const tokenEnv = config.github?.tokenEnv ?? "GITHUB_TOKEN";
  const token = (env[tokenEnv] ?? "").trim();
  if (token === "") {
    throw usageError(`environment variable ${tokenEnv} is not set: the status build reads runs and artifacts with it`, "in a workflow: env: GITHUB_TOKEN: ${{ github.token }} with permissions actions: read");
  }
  ctx.mask(token);
  const apiUrl = args.apiUrl ?? env.GITHUB_API_URL ?? config.github?.apiUrl ?? "https://api.github.com";
  const client = new GitHubClient({ apiUrl, owner: m[1] ?? "", repo: m[2] ?? "", credentials: { kind: "token", token }, userAgent: args.userAgent });
  const beamlines = configuredBeamlines(config).map((b) => {
    const s = b.config.settings;
    return { id: s.id, title: b.config.title, eventType: s.watch?.event_type ?? defaultEventType(s.id), prune: s.prune.map((p) => ({ endpoint: p.endpoint, check: p.check, after_days: p.after_days })) };
  });
  ctx.report.begin("status").set("repository", repository);
  const result = await buildStatus({ client, beamlines, outDir: args.out, cacheDir: args.cache === "" ? void 0 : args.cache, days, maxRequests, reserve, log: (l) => {
    ctx.info(l);
  } });
  ctx.info(`status pages: ${result.pages.length} written to ${args.out} from ${result.runs} runs and ${result.reports} reports, ${result.requests} API requests (budget ${maxRequests})`);
  if (result.stopped !== void 0) ctx.warn(`read stopped early: ${result.stopped}; ${result.unread} report(s) left for the next build`);
  ctx.summary.heading("Status pages", 2).table(["pages", "runs", "reports", "API requests", "budget", "unread"], [[result.pages.length, result.runs, result.reports, result.requests, maxRequests, result.unread]]);
  ctx.report.set("requests", result.requests).set("runs", result.runs).set("reports", result.reports).set("unread", result.unread);
  return result;
}
export {
  statusCommand
};
