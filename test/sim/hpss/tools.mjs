#!/usr/bin/env node
// Stand-ins for NERSC's hsi and htar over a local folder playing HPSS, following CONTRACTS.md §4.2–4.3:
// hsi takes one command (argv joined, whitespace-split), reports listings and errors on stderr and exits
// non-zero when a path is missing; `mkdir` needs the parent; `cput` stores only when the HPSS file is
// absent or older; `local : hpss` names both sides. htar writes a real tar straight to "HPSS", then its
// `<archive>.idx` only when the archive is complete; `-t` lists from the index (`HTAR: ` lines ending with
// `HTAR: HTAR SUCCESSFUL`); members over the member limit fail the archive; names too long for ustar are
// skipped with a warning and exit code 70.
//
// Usage (the test writes wrapper scripts): tools.mjs hsi|htar --root <dir> [--log <file>]
//   [--fail <what>] [--member-limit <bytes>] -- <the tool's own arguments>
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [tool, ...rest] = process.argv.slice(2);
const sep = rest.indexOf('--');
const own = rest.slice(0, sep);
const args = rest.slice(sep + 1);
const opt = (name) => {
  const i = own.indexOf(name);
  return i === -1 ? undefined : own[i + 1];
};
const root = opt('--root');
const fail = opt('--fail') ?? '';
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
  if (fail === cmd) die(`*** ${cmd}: HPSS_EIO: I/O error (injected)`);
  // `ls-dir-2`: the second plain `ls` of the same folder fails (a flaky session), the first succeeds.
  if (fail === 'ls-dir-2' && cmd === 'ls' && w.length === 1 && existsSync(onHpss(w[0])) && statSync(onHpss(w[0])).isDirectory()) {
    const counts = join(root, '.sim-ls-counts.json');
    const seen = existsSync(counts) ? JSON.parse(readFileSync(counts, 'utf8')) : {};
    seen[w[0]] = (seen[w[0]] ?? 0) + 1;
    writeFileSync(counts, JSON.stringify(seen));
    if (seen[w[0]] === 2) die('*** hpss_ReadList: HPSS_ECONN: connection reset (injected)');
  }
  const flags = w.filter((x) => x.startsWith('-'));
  const paths = w.filter((x) => !x.startsWith('-'));
  const missing = (p) => die(`*** hpss_Lstat: No such file or directory [-2: HPSS_ENOENT]\n    ${p}`);
  switch (cmd) {
    case 'ls': {
      for (const p of paths) {
        const abs = onHpss(p);
        if (!existsSync(abs)) missing(p);
        const st = statSync(abs);
        const line = (name, s) =>
          flags.includes('-l') ? `${s.isDirectory() ? 'd' : '-'}rw-r--r--    1 alsdev    als   ${s.size} ${stamp(s.mtimeMs)} ${name}` : name;
        if (st.isDirectory()) {
          process.stderr.write(`${p}:\n`);
          for (const n of readdirSync(abs).sort()) process.stderr.write(`${line(n, statSync(join(abs, n)))}\n`);
        } else {
          process.stderr.write(`${line(p, st)}\n`);
        }
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
      const colon = w.indexOf(':');
      if (colon === -1) die(`${cmd}: expected "local : hpss" (the sim refuses the two-file form)`, 64);
      const local = w[colon - 1];
      const remote = w[colon + 1];
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
    case 'rm': {
      for (const p of paths) {
        if (!existsSync(onHpss(p))) missing(p);
        rmSync(onHpss(p), { recursive: flags.includes('-r') });
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

function htar() {
  const letters = args[0]?.replace(/^-/, '') ?? '';
  const action = letters.replace(/[vfP]/g, '');
  let i = 1;
  let archive;
  let listFile;
  const members = [];
  if (letters.includes('f')) archive = args[i++];
  while (i < args.length) {
    const a = args[i++];
    if (a === '-f') archive = args[i++];
    else if (a === '-L') listFile = args[i++];
    else if (a === '-P') continue;
    else members.push(a);
  }
  if (!archive) die('HTAR: Error: no archive named (-f)', 64);
  const abs = onHpss(archive);
  const idx = `${abs}.idx`;
  if (action === 'c') {
    if (fail === 'htar-create') die('HTAR: Error: HPSS_EIO writing archive (injected)');
    if (!existsSync(dirname(abs))) die(`HTAR: Error: cannot create ${archive}: No such file or directory`);
    if (listFile) for (const l of readFileSync(listFile, 'utf8').split('\n')) if (l !== '') members.push(l);
    let code = 0;
    const kept = [];
    for (const m of members) {
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
      kept.push({ path: m, size: st.size, mtime: st.mtimeMs });
    }
    if (existsSync(idx)) rmSync(idx);
    const list = `${abs}.sim-list`;
    writeFileSync(list, kept.map((k) => k.path).join('\n') + '\n');
    const tar = spawnSync('tar', ['-cf', abs, '--no-recursion', '--verbatim-files-from', '-T', list], { encoding: 'utf8' });
    rmSync(list);
    if (tar.status !== 0) die(`HTAR: Error: ${tar.stderr}`);
    if (fail === 'htar-idx') die('HTAR: Error: index not written (injected)');
    writeFileSync(idx, JSON.stringify(kept));
    process.stdout.write('HTAR: HTAR SUCCESSFUL\n');
    return code;
  }
  if (action === 't') {
    if (!existsSync(idx)) die(`HTAR: Error: cannot read index ${archive}.idx: No such file or directory`);
    const kept = JSON.parse(readFileSync(idx, 'utf8'));
    const lines = kept.map((k) => `HTAR: -rw-r--r--  alsdev/als ${String(k.size).padStart(12)} ${stamp(k.mtime)}  ${k.path}\n`);
    lines.push(`HTAR: Listing complete for ${archive}, ${kept.length} files ${kept.reduce((n, k) => n + k.size, 0)} total bytes\n`);
    lines.push('HTAR: HTAR SUCCESSFUL\n');
    process.stdout.write(lines.join(''));
    return 0;
  }
  return die(`htar: -${action} is not simulated`, 64);
}

// exitCode, not exit(): exit() drops output still queued for a full pipe (a long listing).
process.exitCode = tool === 'hsi' ? hsi() : tool === 'htar' ? htar() : die(`unknown tool ${tool}`, 64);
