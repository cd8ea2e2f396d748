#!/usr/bin/env node
// Stand-ins for NERSC's hsi and htar over a local folder playing HPSS, following CONTRACTS.md §4.2–4.3:
// hsi takes one command (argv joined, whitespace-split), reports listings and errors on stderr and exits
// non-zero when a path is missing; `mkdir` needs the parent; `cput` stores only when the HPSS file is
// absent or older; `get` and `put` need `local : hpss` (the sim refuses the two-file form, which means two
// files to hsi); `rm` refuses a folder without -r, `rmdir` a folder that is not empty. htar writes a real tar
// straight to "HPSS", then its `<archive>.idx` only when the archive is complete; `-t` lists from the index
// (`HTAR: ` lines, htar's own consistency file among them, ending with `HTAR: HTAR SUCCESSFUL`); members over
// the member limit fail the archive; names too long for ustar are skipped with a warning and exit code 70; a
// second name of a hard link is stored as a link (size 0). `-Hcrc` stores a CRC per member in the index and
// `-K` reads the archive back against its index (`-Hverify=crc`: recomputing every CRC). `-x` extracts into
// the current folder exactly the members asked for (all without a list), as a worst-case htar would: names
// are written as they are in the archive (`../x`, `/abs`, symlinks followed), so only the caller's checks
// keep them inside — which is what the tests prove.
//
// Assumptions where the contract is silent (kept strict): one action letter per call; unknown -H options are
// an error; a member asked for with -x that the index does not hold fails the call before anything is
// written; the consistency file is listed as /tmp/HTAR_CF_CHK_<pid>_<time> and never extracted.
//
// Usage (the test writes wrapper scripts): tools.mjs hsi|htar --root <dir> [--log <file>]
//   [--fail <event>[@n],…] [--member-limit <bytes>] -- <the tool's own arguments>
// --fail (or a `.sim-fail` file in the root): the event fails every time, or with @n only the n-th time it
// happens (counted in the root).
// Events: any hsi command (ls, mkdir, put, cput, get, rm, rmdir); ls-dir-2 (the second plain ls of a folder);
// rm-silent (hsi rm deletes nothing, says so on stderr, and exits 0);
// get-partial (writes half the file, then fails); htar-create, htar-idx (the tar written, the index not),
// htar-create-rewrite (after the tar read it, the first member is rewritten: same size, other bytes — a writer at
// work during the archive),
// htar-extract, htar-extract-partial (the first member half written, then fails), htar-extract-slow (the first
// member half written, a 3 s pause, then the whole extraction), htar-extract-hold (the same, held until the test
// creates `.sim-release` in the root), htar-extract-corrupt (one byte of the first
// member flipped, exit 0), htar-K.
import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, copyFileSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';

const [tool, ...rest] = process.argv.slice(2);
const sep = rest.indexOf('--');
const own = rest.slice(0, sep);
const args = rest.slice(sep + 1);
const opt = (name) => {
  const i = own.indexOf(name);
  return i === -1 ? undefined : own[i + 1];
};
const root = opt('--root');
// Faults from --fail, and from a `.sim-fail` file in the root (how a test reaches tools it does not start itself).
const failFile = root === undefined ? undefined : join(root, '.sim-fail');
const faults = [opt('--fail') ?? '', failFile !== undefined && existsSync(failFile) ? readFileSync(failFile, 'utf8').trim() : '']
  .join(',')
  .split(',')
  .filter((f) => f !== '');
const memberLimit = Number(opt('--member-limit') ?? 68719476735);
const log = opt('--log');
if (log) appendFileSync(log, `${JSON.stringify([tool, ...args])}\n`);

const onHpss = (p) => join(root, p);
const die = (message, code = 72) => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};
const two = (n) => String(n).padStart(2, '0');
const stamp = (ms) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
};

/** Whether an injected fault fires now: `event` always, `event@n` on the n-th occurrence (counted in the root). */
function fails(event) {
  let fire = false;
  for (const f of faults) {
    const [name, nth] = f.split('@');
    if (name !== event) continue;
    if (nth === undefined) {
      fire = true;
      continue;
    }
    const counts = join(root, '.sim-fault-counts.json');
    const seen = existsSync(counts) ? JSON.parse(readFileSync(counts, 'utf8')) : {};
    seen[f] = (seen[f] ?? 0) + 1;
    writeFileSync(counts, JSON.stringify(seen));
    if (seen[f] === Number(nth)) fire = true;
  }
  return fire;
}

/** hsi's own command-line splitting: whitespace, with '…' and "…" quoting. */
function words(line) {
  const out = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let m;
  while ((m = re.exec(line))) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function hsi() {
  let i = 0;
  while (args[i] === '-q') i++;
  const [cmd, ...w] = words(args.slice(i).join(' '));
  if (fails(cmd)) die(`*** ${cmd}: HPSS_EIO: I/O error (injected)`);
  // `ls-dir-2`: the second plain `ls` of the same folder fails (a flaky session), the first succeeds.
  if (faults.includes('ls-dir-2') && cmd === 'ls' && w.length === 1 && existsSync(onHpss(w[0])) && statSync(onHpss(w[0])).isDirectory()) {
    const counts = join(root, '.sim-ls-counts.json');
    const seen = existsSync(counts) ? JSON.parse(readFileSync(counts, 'utf8')) : {};
    seen[w[0]] = (seen[w[0]] ?? 0) + 1;
    writeFileSync(counts, JSON.stringify(seen));
    if (seen[w[0]] === 2) die('*** hpss_ReadList: HPSS_ECONN: connection reset (injected)');
  }
  const flags = w.filter((x) => x.startsWith('-') && x !== '-');
  // hsi expands wildcards (`*`, `?`, `[…]`) in HPSS paths against what HPSS holds, as a shell would (CONTRACTS.md
  // §4.2): `rm /a/*` removes every file in /a. The sim expands them in the last path part; no match is ENOENT.
  const expand = (p) => {
    const slash = p.lastIndexOf('/');
    const [dir, pattern] = [p.slice(0, slash + 1), p.slice(slash + 1)];
    if (!/[*?[]/.test(pattern) || !existsSync(onHpss(dir || '.'))) return [p];
    const source = pattern.replace(/[.+^$(){}|\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.').replaceAll('[!', '[^');
    let re;
    try {
      re = new RegExp(`^${source}$`);
    } catch {
      return [p]; // an unclosed `[`: a plain name
    }
    const hits = readdirSync(onHpss(dir || '.')).filter((n) => !n.startsWith('.sim-') && re.test(n)).sort();
    return hits.length === 0 ? [p] : hits.map((n) => `${dir}${n}`);
  };
  const paths = w.filter((x) => !x.startsWith('-') || x === '-').flatMap((x) => (x === '-' || x === ':' || cmd === 'mkdir' || cmd === 'put' || cmd === 'cput' ? [x] : expand(x)));
  const missing = (p) => die(`*** hpss_Lstat: No such file or directory [-2: HPSS_ENOENT]\n    ${p}`);
  const localAndRemote = () => {
    const colon = w.indexOf(':');
    if (colon === -1) die(`${cmd}: expected "local : hpss" (the sim refuses the two-file form)`, 64);
    return [w[colon - 1], w[colon + 1]];
  };
  switch (cmd) {
    case 'ls': {
      const long = flags.some((f) => f.includes('l'));
      const recursive = flags.some((f) => f.includes('R'));
      const line = (name, s) => (long ? `${s.isDirectory() ? 'd' : '-'}rw-r--r--    1 alsdev    als   ${s.size} ${stamp(s.mtimeMs)} ${name}` : name);
      const listDir = (p, abs) => {
        process.stderr.write(`${p}:\n`);
        const names = readdirSync(abs).filter((n) => !n.startsWith('.sim-')).sort();
        for (const n of names) process.stderr.write(`${line(n, statSync(join(abs, n)))}\n`);
        if (!recursive) return;
        for (const n of names) {
          if (!statSync(join(abs, n)).isDirectory()) continue;
          process.stderr.write('\n');
          listDir(`${p}/${n}`, join(abs, n));
        }
      };
      for (const p of paths) {
        const abs = onHpss(p);
        if (!existsSync(abs)) missing(p);
        const st = statSync(abs);
        if (st.isDirectory()) listDir(p, abs);
        else process.stderr.write(`${line(p, st)}\n`);
      }
      return 0;
    }
    case 'mkdir': {
      for (const p of paths) {
        const abs = onHpss(p);
        if (existsSync(abs)) die(`*** hpss_Mkdir: File exists [-17: HPSS_EEXIST]\n    ${p}`);
        if (!flags.includes('-p') && !existsSync(dirname(abs))) die(`*** hpss_Mkdir: No such file or directory [-2: HPSS_ENOENT]\n    ${p}`);
        mkdirSync(abs, { recursive: true });
      }
      return 0;
    }
    case 'put':
    case 'cput': {
      const [local, remote] = localAndRemote();
      if (!existsSync(local)) die(`${cmd}: ${local}: No such file or directory`);
      const abs = onHpss(remote);
      if (!existsSync(dirname(abs))) die(`*** hpss_Open: No such file or directory [-2: HPSS_ENOENT]\n    ${remote}`);
      if (cmd === 'cput' && existsSync(abs) && statSync(abs).mtimeMs >= statSync(local).mtimeMs) {
        process.stderr.write(`cput: skipping ${local}: HPSS file is up to date\n`);
        return 0;
      }
      copyFileSync(local, `${abs}.sim-partial`);
      renameSync(`${abs}.sim-partial`, abs);
      process.stderr.write(`${cmd}  '${local}' : '${remote}' ( ${statSync(abs).size} bytes)\n`);
      return 0;
    }
    case 'get': {
      // Like the real hsi, the local file is written under its own name as the bytes arrive.
      const [local, remote] = localAndRemote();
      const abs = onHpss(remote);
      if (!existsSync(abs)) missing(remote);
      if (statSync(abs).isDirectory()) die(`*** get: ${remote}: Is a directory`);
      if (!existsSync(dirname(local)) || !statSync(dirname(local)).isDirectory()) die(`get: ${local}: No such file or directory (local)`);
      const bytes = readFileSync(abs);
      if (fails('get-partial')) {
        writeFileSync(local, bytes.subarray(0, Math.floor(bytes.length / 2)));
        die('*** get: HPSS_ECONN: connection reset during transfer (injected)');
      }
      writeFileSync(local, bytes);
      process.stderr.write(`get  '${local}' : '${remote}' ( ${bytes.length} bytes)\n`);
      return 0;
    }
    case 'rm': {
      // rm-silent: hsi reports the failure and exits 0 anyway (hsi's exit codes are not documented: CONTRACTS.md §4.2).
      if (fails('rm-silent')) {
        process.stderr.write(`*** hpss_Unlink: Device or resource busy [-16: HPSS_EBUSY] (injected)\n    ${paths.join(' ')}\n`);
        return 0;
      }
      for (const p of paths) {
        const abs = onHpss(p);
        if (!existsSync(abs)) missing(p);
        if (statSync(abs).isDirectory() && !flags.includes('-r')) die(`*** hpss_Unlink: Is a directory [-21: HPSS_EISDIR]\n    ${p}`);
        rmSync(abs, { recursive: flags.includes('-r') });
      }
      return 0;
    }
    case 'rmdir': {
      for (const p of paths) {
        const abs = onHpss(p);
        if (!existsSync(abs)) missing(p);
        if (readdirSync(abs).length > 0) die(`*** hpss_Rmdir: Directory not empty [-39: HPSS_ENOTEMPTY]\n    ${p}`);
        rmSync(abs, { recursive: true });
      }
      return 0;
    }
    default:
      return die(`hsi: unknown command ${cmd} (not simulated)`, 64);
  }
}

const USTAR_NAME = 99;
const USTAR_PREFIX = 154;
function fitsUstar(rel) {
  if (Buffer.byteLength(rel) <= USTAR_NAME) return true;
  for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) {
    if (Buffer.byteLength(rel.slice(0, i)) <= USTAR_PREFIX && Buffer.byteLength(rel.slice(i + 1)) <= USTAR_NAME) return true;
  }
  return false;
}

/** The index: `{ members: [{ path, size, mtime, type: f|h|l|d, link?, crc? }], cf }` (an older array form too). */
function readIndex(archive) {
  const idx = `${onHpss(archive)}.idx`;
  if (!existsSync(idx)) die(`HTAR: Error: cannot read index ${archive}.idx: No such file or directory`);
  const doc = JSON.parse(readFileSync(idx, 'utf8'));
  return Array.isArray(doc) ? { members: doc.map((m) => ({ type: 'f', ...m })), cf: undefined } : doc;
}

const H_OPTIONS = /^(crc|nocrc|nostage|verify=((info|crc|compare|all|nocompare|nocrc|[012])(,|$))+)$/;

function parseHtarArgs() {
  const o = { actions: [], verbose: false, archive: undefined, listFile: undefined, h: [], members: [] };
  let wantArchive = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-f') o.archive = args[++i];
    else if (a === '-L') o.listFile = args[++i];
    else if (a.startsWith('-H')) {
      const h = a.slice(2);
      if (!H_OPTIONS.test(h)) die(`HTAR: Error: unknown -H option ${h}`, 64);
      o.h.push(h);
    } else if (/^-[cKtxXvfP]+$/.test(a)) {
      for (const letter of a.slice(1)) {
        if ('cKtxX'.includes(letter)) o.actions.push(letter);
        else if (letter === 'v') o.verbose = true;
        else if (letter === 'f') wantArchive = true;
      }
      if (wantArchive && o.archive === undefined) {
        o.archive = args[++i];
        wantArchive = false;
      }
    } else if (a.startsWith('-')) die(`HTAR: Error: unknown option ${a}`, 64);
    else o.members.push(a);
  }
  if (o.actions.length !== 1) die('HTAR: Error: exactly one of -c -K -t -x -X must be given', 64);
  if (!o.archive) die('HTAR: Error: no archive named (-f)', 64);
  if (o.listFile) for (const l of readFileSync(o.listFile, 'utf8').split('\n')) if (l !== '') o.members.push(l);
  return o;
}

const crcOf = (bytes) => crc32(bytes).toString(16).padStart(8, '0');

function htar() {
  const o = parseHtarArgs();
  const action = o.actions[0];
  const archive = o.archive;
  const abs = onHpss(archive);
  const idx = `${abs}.idx`;
  if (action === 'c') {
    if (fails('htar-create')) die('HTAR: Error: HPSS_EIO writing archive (injected)');
    if (!existsSync(dirname(abs))) die(`HTAR: Error: cannot create ${archive}: No such file or directory`);
    let code = 0;
    const kept = [];
    const seenInodes = new Map();
    for (const m of o.members) {
      let st;
      try {
        st = lstatSync(m);
      } catch {
        die(`HTAR: Error: cannot stat ${m}: No such file or directory`);
      }
      if (st.size > memberLimit) die(`HTAR: Error: ${m} exceeds the member size limit`);
      if (!fitsUstar(m)) {
        process.stderr.write(`HTAR: WARNING: ${m}: name too long for ustar, skipped\n`);
        code = 70;
        continue;
      }
      const inode = `${st.dev}:${st.ino}`;
      if (st.isFile() && st.nlink > 1 && seenInodes.has(inode)) {
        kept.push({ path: m, size: 0, mtime: st.mtimeMs, type: 'h', link: seenInodes.get(inode) });
        continue;
      }
      if (st.isFile()) seenInodes.set(inode, m);
      const entry = { path: m, size: st.isFile() ? st.size : 0, mtime: st.mtimeMs, type: st.isFile() ? 'f' : st.isSymbolicLink() ? 'l' : 'd' };
      if (o.h.includes('crc') && st.isFile()) entry.crc = crcOf(readFileSync(m));
      kept.push(entry);
    }
    if (existsSync(idx)) rmSync(idx);
    const list = `${abs}.sim-list`;
    writeFileSync(list, kept.map((k) => k.path).join('\n') + '\n');
    const tar = spawnSync('tar', ['-cf', abs, '--no-recursion', '--verbatim-files-from', '-T', list], { encoding: 'utf8' });
    rmSync(list);
    if (tar.status !== 0) die(`HTAR: Error: ${tar.stderr}`);
    if (fails('htar-create-rewrite')) {
      // Someone writes into the first member while htar is at work (it has read it already): same size, other bytes.
      const first = kept.find((k) => k.type === 'f' && k.size > 0);
      if (first !== undefined) writeFileSync(first.path, Buffer.alloc(first.size, 'Z'));
    }
    if (fails('htar-idx')) die('HTAR: Error: index not written (injected)');
    writeFileSync(idx, JSON.stringify({ members: kept, cf: `/tmp/HTAR_CF_CHK_${process.pid}_${Math.floor(Date.now() / 1000)}` }));
    process.stdout.write('HTAR: HTAR SUCCESSFUL\n');
    return code;
  }
  if (action === 't') {
    const { members, cf } = readIndex(archive);
    const mode = { f: '-rw-r--r--', h: 'hrw-r--r--', l: 'lrwxrwxrwx', d: 'drwxr-xr-x' };
    const lines = members.map((k) => {
      const tail = k.type === 'h' ? ` link to ${k.link}` : k.type === 'l' ? ` -> ${k.link ?? ''}` : '';
      return `HTAR: ${mode[k.type] ?? '-rw-r--r--'}  alsdev/als ${String(k.size).padStart(12)} ${stamp(k.mtime)}  ${k.path}${tail}\n`;
    });
    if (cf) lines.push(`HTAR: -rw-------  alsdev/als ${String(256).padStart(12)} ${stamp(Date.now())}  ${cf}\n`);
    lines.push(`HTAR: Listing complete for ${archive}, ${members.length} files ${members.reduce((n, k) => n + k.size, 0)} total bytes\n`);
    lines.push('HTAR: HTAR SUCCESSFUL\n');
    process.stdout.write(lines.join(''));
    return 0;
  }
  if (action === 'x') {
    const { members } = readIndex(archive);
    if (!existsSync(abs)) die(`HTAR: Error: cannot open archive ${archive}: No such file or directory`);
    if (fails('htar-extract')) die('HTAR: Error: HPSS_ECONN reading archive (injected)');
    const wanted = o.members.length > 0 ? o.members : members.map((m) => m.path);
    const byPath = new Map(members.map((m) => [m.path, m]));
    const unknown = wanted.filter((m) => !byPath.has(m));
    if (unknown.length > 0) die(`HTAR: Error: ${unknown.map((u) => `${u}: not found in archive`).join('\nHTAR: Error: ')}`, 1);
    if (fails('htar-extract-partial')) {
      const first = wanted.find((m) => byPath.get(m)?.type === 'f');
      if (first !== undefined) {
        const bytes = spawnSync('tar', ['-xOf', abs, '-P', '--', first]).stdout;
        mkdirSync(dirname(first), { recursive: true });
        writeFileSync(first, bytes.subarray(0, Math.floor(bytes.length / 2)));
      }
      die('HTAR: Error: HPSS_ECONN: connection lost while reading the archive (injected)');
    }
    if (fails('htar-extract-slow')) {
      // Half of the first member written, then a long pause: a transfer to cut in the middle (a test kills the connection).
      const first = wanted.find((m) => byPath.get(m)?.type === 'f');
      if (first !== undefined) {
        const bytes = spawnSync('tar', ['-xOf', abs, '-P', '--', first]).stdout;
        mkdirSync(dirname(first), { recursive: true });
        writeFileSync(first, bytes.subarray(0, Math.floor(bytes.length / 2)));
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
      }
    }
    if (fails('htar-extract-hold')) {
      // Half of the first member written, then held until the test creates `.sim-release` in the root (at most 60 s):
      // an extraction that lasts as long as the test needs (a tape recall of days).
      const first = wanted.find((m) => byPath.get(m)?.type === 'f');
      if (first !== undefined) {
        const bytes = spawnSync('tar', ['-xOf', abs, '-P', '--', first]).stdout;
        mkdirSync(dirname(first), { recursive: true });
        writeFileSync(first, bytes.subarray(0, Math.floor(bytes.length / 2)));
      }
      for (let i = 0; i < 600 && !existsSync(join(root, '.sim-release')); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
    const list = join(process.cwd(), `.sim-x-${process.pid}`);
    writeFileSync(list, wanted.join('\n') + '\n');
    // -P: names as they are, `..` and leading '/' included — the worst case a caller must guard against.
    const tar = spawnSync('tar', ['-xf', abs, '-P', '--no-recursion', '--verbatim-files-from', '-T', list], { encoding: 'utf8' });
    rmSync(list);
    if (tar.status !== 0) die(`HTAR: Error: ${tar.stderr}`);
    if (fails('htar-extract-corrupt')) {
      const first = wanted.find((m) => (byPath.get(m)?.size ?? 0) > 0);
      if (first !== undefined) {
        const fd = openSync(first, 'r+');
        const b = Buffer.from([(readFileSync(first)[0] ?? 0) ^ 0xff]);
        writeSync(fd, b, 0, 1, 0);
        closeSync(fd);
      }
    }
    if (o.verbose) for (const m of wanted) process.stdout.write(`HTAR: x ${m}, ${byPath.get(m)?.size ?? 0} bytes\n`);
    process.stdout.write(`HTAR: Extract complete for ${archive}, ${wanted.length} files\nHTAR: HTAR SUCCESSFUL\n`);
    return 0;
  }
  if (action === 'K') {
    const { members } = readIndex(archive);
    if (!existsSync(abs)) die(`HTAR: Error: cannot open archive ${archive}: No such file or directory`);
    if (fails('htar-K')) die('HTAR: Error: HPSS_EIO reading archive (injected)');
    const crcCheck = o.h.some((h) => h.startsWith('verify=') && /crc|all|[12]/.test(h.slice(7)));
    const problems = [];
    for (const m of members.filter((x) => x.type === 'f')) {
      const r = spawnSync('tar', ['-xOf', abs, '-P', '--', m.path]);
      if (r.status !== 0) {
        problems.push(`${m.path}: not found in the archive file`);
        continue;
      }
      if (r.stdout.length !== m.size) problems.push(`${m.path}: ${r.stdout.length} bytes in the archive, ${m.size} in the index`);
      else if (crcCheck && m.crc !== undefined && crcOf(r.stdout) !== m.crc) problems.push(`${m.path}: CRC mismatch`);
    }
    if (problems.length > 0) die(problems.map((p) => `HTAR: Error: ${p}`).join('\n'), 1);
    process.stdout.write(`HTAR: Verify complete for ${archive}, ${members.length} files\nHTAR: HTAR SUCCESSFUL\n`);
    return 0;
  }
  return die(`htar: -${action} is not simulated`, 64);
}

// exitCode, not exit(): exit() drops output still queued for a full pipe (a long listing).
process.exitCode = tool === 'hsi' ? hsi() : tool === 'htar' ? htar() : die(`unknown tool ${tool}`, 64);
