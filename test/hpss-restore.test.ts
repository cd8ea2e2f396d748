// Getting data back from tape, end to end: the bundled CLI and action, OpenSSH to the in-process SSH server,
// the hsi/htar stand-ins extracting real tar archives — including archives with hostile member names, an
// extraction that dies half-way, a connection dropped mid-restore, and files already at the target.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dist, runAction, tempDir, writeFileAt } from './helpers.js';
import { fillProposal, HPSS_ROOT, LONG, makeSite as makeSiteWith, PROPOSAL_FILES, type Site, splash, TOOLS } from './hpss-site.js';
import { type Sshd, startSshd } from './sim/sshd.js';
import { planRestore } from '../src/hpss/restore.js';

let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd(await tempDir('splash-sshd-'));
});
afterAll(async () => {
  await (sshd as Sshd | undefined)?.stop();
});

const makeSite = (): Promise<Site> => makeSiteWith(sshd);
const P = 'raw/BLS-00564';

/** Archive the sample proposal, then remove it from disk: tape holds the only copy. */
async function archived(site: Site): Promise<string> {
  const dir = await fillProposal(site);
  const r = await splash(site, '-b', '8.3.2', P);
  expect(r.code, r.out).toBe(0);
  return dir;
}

/** Every regular file under a folder with its content (relative names), skipping the .splash state folder. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string): void => {
    for (const n of readdirSync(d).sort()) {
      if (prefix === '' && n === '.splash') continue;
      const abs = join(d, n);
      const st = lstatSync(abs);
      if (st.isDirectory()) walk(abs, `${prefix}${n}/`);
      else out[`${prefix}${n}`] = st.isSymbolicLink() ? `-> ${abs}` : readFileSync(abs, 'utf8');
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

const ORIGINAL = PROPOSAL_FILES;

const extractions = (site: Site): string[][] => site.calls().filter((c) => c[0] === 'htar' && c[1] === '-xf');

describe('splash hpss restore', () => {
  it('brings a whole proposal back, each file checked (size and the archive manifest’s BLAKE2b) before it gets its name', async () => {
    const site = await makeSite();
    const dir = await archived(site);
    rmSync(dir, { recursive: true });
    const r = await splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832');
    expect(r.code, r.out).toBe(0);
    const target = join(site.restored, P);
    expect(tree(target)).toEqual(ORIGINAL);
    expect(statSync(join(target, 'scan_001.h5')).mtime.toISOString()).toBe('2026-03-02T17:00:00.000Z');
    expect(r.out).toContain('restored and verified (size, BLAKE2b): raw/BLS-00564/scan_001.h5 from BLS-00564_2026-1.tar');
    expect(r.out).toContain(`restored and verified (size): raw/BLS-00564/${LONG} from ${HPSS_ROOT}/8.3.2/raw/BLS-00564/${LONG}`);
    // Exactly the members were asked for, by list; nothing of the run is left behind.
    expect(extractions(site).every((c) => c.includes('-L'))).toBe(true);
    expect(readdirSync(join(site.restored, '.splash/restore'))).toEqual([]);

    // A re-run: everything already there with the same bytes; archives with a manifest are not even read.
    const before = extractions(site).length;
    const again = await splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832');
    expect(again.code, again.out).toBe(0);
    expect(again.out.match(/already there with the same content/g)).toHaveLength(6);
    expect(extractions(site)).toHaveLength(before);
  });

  it('one archive, or single files; a dry run says what would come from where and fetches nothing', async () => {
    const site = await makeSite();
    await archived(site);
    const dry = await splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832', '--dry-run');
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toContain('restoring 6 file(s), 1.4 KiB, of raw/BLS-00564');
    expect(dry.out).toContain('from BLS-00564_2026-1_part1.tar: 2 file(s)');
    expect(dry.out).toContain(`stored alone: ${HPSS_ROOT}/8.3.2/raw/BLS-00564/${LONG}: 1 file(s)`);
    expect(extractions(site)).toEqual([]);
    expect(tree(join(site.restored, P))).toEqual({});

    const one = await splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832', '--archive', 'BLS-00564_2026-2.tar');
    expect(one.code, one.out).toBe(0);
    expect(tree(join(site.restored, P))).toEqual({ 'autumn/scan_900.h5': 'E'.repeat(70) });
    const files = await splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832', '--file', 'sub/with space.h5', '--file', `${P}/evening.h5`);
    expect(files.code, files.out).toBe(0);
    expect(tree(join(site.restored, P))).toEqual({ 'autumn/scan_900.h5': 'E'.repeat(70), 'evening.h5': 'D'.repeat(50), 'sub/with space.h5': 'C'.repeat(100) });
    // One extraction per archive holding an asked-for file.
    expect(extractions(site).slice(-2).map((c) => c[2])).toEqual([`${HPSS_ROOT}/8.3.2/raw/BLS-00564/BLS-00564_2026-1_part1.tar`, `${HPSS_ROOT}/8.3.2/raw/BLS-00564/BLS-00564_2026-1.tar`]);

    const missing = await splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832', '--file', 'nope.h5');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not on HPSS for raw\/BLS-00564: nope\.h5; nothing was restored/);
  });

  it('never overwrites a file that differs; the same file counts as restored', async () => {
    const site = await makeSite();
    await archived(site);
    const target = join(site.restored, P);
    await writeFileAt(join(target, 'scan_001.h5'), 'X'.repeat(600)); // same size, other bytes
    await writeFileAt(join(target, 'scan_002.h5'), 'B'.repeat(600)); // the same bytes
    await writeFileAt(join(target, 'evening.h5'), 'short');
    const r = await splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/restore: 2 file\(s\) exist with other content \(not overwritten\)/);
    expect(readFileSync(join(target, 'scan_001.h5'), 'utf8')).toBe('X'.repeat(600));
    expect(readFileSync(join(target, 'evening.h5'), 'utf8')).toBe('short');
    expect(r.out).toContain('already there with the same content: raw/BLS-00564/scan_002.h5');
    expect(readFileSync(join(target, 'sub/with space.h5'), 'utf8')).toBe('C'.repeat(100));
  });

  it('an extraction that dies half-way leaves no file under its final name; the re-run completes', async () => {
    const site = await makeSite();
    await archived(site);
    site.tools({ fail: 'htar-extract-partial@2' }); // the second archive's htar dies after half a file
    const r = await splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/restore: 2 file\(s\) failed/);
    const target = join(site.restored, P);
    const got = tree(target);
    // The first archive's files are there, whole; nothing of the second one, not even a partial file.
    expect(got['evening.h5']).toBe('D'.repeat(50));
    expect(got['scan_002.h5']).toBeUndefined();
    expect(got['sub/with space.h5']).toBeUndefined();
    for (const [name, content] of Object.entries(got)) expect(content).toBe(ORIGINAL[name]);
    expect(readdirSync(join(site.restored, '.splash/restore'))).toEqual([]);

    site.tools();
    const again = await splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832');
    expect(again.code, again.out).toBe(0);
    expect(tree(target)).toEqual(ORIGINAL);
  });

  it('a corrupted extraction is caught by the manifest checksum and not given its name', async () => {
    const site = await makeSite();
    await archived(site);
    site.tools({ fail: 'htar-extract-corrupt@1' });
    const r = await splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832', '--archive', 'BLS-00564_2026-1.tar');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/raw\/BLS-00564\/evening\.h5 was not restored: checksum does not match the archive manifest/);
    expect(existsSync(join(site.restored, P, 'evening.h5'))).toBe(false);
  });

  it('a connection dropped mid-restore leaves no file under its final name; the re-run completes', async () => {
    const site = await makeSite();
    await archived(site);
    site.tools({ fail: 'htar-extract-slow' });
    const child = spawn(process.execPath, [dist('cli'), 'hpss', 'restore', '--config', site.config, '-b', '8.3.2', P, '--to', 'restore832'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
    });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('close', () => { resolve(); }));
    // Wait until htar is half-way through a member in the run's private folder, then cut everything.
    const spool = join(site.restored, '.splash/restore');
    for (let i = 0; i < 200 && !(existsSync(spool) && readdirSync(spool).some((d) => existsSync(join(spool, d, 'x')) && readdirSync(join(spool, d, 'x')).length > 0)); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(-(child.pid ?? 0), 'SIGKILL'); // the CLI and its ssh: the connection drops
    await exited;
    // The far end notices the dead connection when it next writes; give it time to run its clean-up.
    await new Promise((r) => setTimeout(r, 4000));
    const target = join(site.restored, P);
    for (const [name, content] of Object.entries(tree(target))) expect(content, `${name} must be whole or absent (${out})`).toBe(ORIGINAL[name]);

    site.tools();
    const again = await splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832');
    expect(again.code, again.out).toBe(0);
    expect(tree(target)).toEqual(ORIGINAL);
    expect(readdirSync(spool)).toEqual([]);
  }, 60_000);
});

describe('restores side by side', () => {
  it('a restore that runs for days keeps its private folder: another restore into the same endpoint does not clear it away', async () => {
    const site = await makeSite();
    await archived(site);
    await fillProposal(site, 'BLS-00999');
    expect((await splash(site, '-b', '8.3.2', 'raw/BLS-00999')).code).toBe(0);
    site.tools({ fail: 'htar-extract-hold' });
    const spool = join(site.restored, '.splash/restore');
    const busy = (): string[] => (existsSync(spool) ? readdirSync(spool).filter((d) => existsSync(join(spool, d, 'x')) && readdirSync(join(spool, d, 'x')).length > 0) : []);
    const until = async (what: () => boolean): Promise<void> => {
      for (let i = 0; i < 400 && !what(); i++) await new Promise((r) => setTimeout(r, 50));
    };
    const first = splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832', '--archive', 'BLS-00564_2026-1.tar');
    await until(() => busy().length === 1);
    const [mine = ''] = busy();
    // Days into its tape recall: htar writes below the folder, so the folder's own time is as old as the run.
    const old = new Date(Date.now() - 3 * 86_400_000);
    utimesSync(join(spool, mine), old, old);
    const second = splash(site, 'restore', '-b', '8.3.2', 'raw/BLS-00999', '--to', 'restore832', '--archive', 'BLS-00999_2026-1.tar');
    await until(() => busy().some((d) => d !== mine)); // the second one is past its start (and its clean-up of old folders)
    writeFileSync(join(site.tape, '.sim-release'), '');
    const [a, b] = await Promise.all([first, second]);
    expect(b.code, b.out).toBe(0);
    expect(a.code, a.out).toBe(0);
    expect(tree(join(site.restored, P))).toEqual({ 'evening.h5': 'D'.repeat(50), 'scan_001.h5': 'A'.repeat(600) });
    expect(readdirSync(spool)).toEqual([]);
  }, 60_000);
});

/** An archive crafted by hand on "HPSS", with the index the stand-in reads (what a damaged or hostile archive holds). */
function craftArchive(site: Site, proposal: string, name: string, members: { path: string; content?: string; symlink?: string; hardlink?: string; mode?: number }[]): void {
  const dest = join(site.tape, HPSS_ROOT, '8.3.2/raw', proposal);
  mkdirSync(dest, { recursive: true });
  const py = `
import io, json, sys, tarfile
members = json.loads(sys.argv[2])
with tarfile.open(sys.argv[1], 'w', format=tarfile.USTAR_FORMAT) as t:
    for m in members:
        info = tarfile.TarInfo(m['path'])
        info.mtime = 1772470800
        info.mode = m.get('mode', 0o644)
        if 'symlink' in m:
            info.type = tarfile.SYMTYPE; info.linkname = m['symlink']; t.addfile(info)
        elif 'hardlink' in m:
            info.type = tarfile.LNKTYPE; info.linkname = m['hardlink']; t.addfile(info)
        else:
            data = m['content'].encode(); info.size = len(data); t.addfile(info, io.BytesIO(data))
`;
  const r = spawnSync('python3', ['-c', py, join(dest, name), JSON.stringify(members)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const index = members.map((m) => ({
    path: m.path,
    size: m.content === undefined ? 0 : Buffer.byteLength(m.content),
    mtime: 1772470800000,
    type: m.symlink !== undefined ? 'l' : m.hardlink !== undefined ? 'h' : 'f',
    ...(m.symlink !== undefined ? { link: m.symlink } : m.hardlink !== undefined ? { link: m.hardlink } : {}),
  }));
  writeFileSync(join(dest, `${name}.idx`), JSON.stringify({ members: index, cf: '/tmp/HTAR_CF_CHK_4242_1772470800' }));
}

describe('hostile archives', () => {
  it('member names that would leave the target are refused before htar is asked; nothing is written outside', async () => {
    const site = await makeSite();
    const outside = join(site.root, 'outside');
    craftArchive(site, 'BLS-EVIL', 'BLS-EVIL_2026-1.tar', [
      { path: 'ok.h5', content: 'fine' },
      { path: '../../../outside/escape.h5', content: 'escaped' },
      { path: `${outside}/absolute.h5`, content: 'absolute' },
      { path: 'sub/../../climb.h5', content: 'climb' },
      { path: 'door', symlink: outside },
      { path: 'door/through.h5', content: 'through the link' },
      { path: 'twin.h5', hardlink: 'ok.h5' },
      { path: 'dash/-rf', content: 'dash' },
    ]);
    // The stand-in is a worst-case htar: asked for these names, it would write them where they point.
    const probe = await tempDir('splash-probe-');
    mkdirSync(join(probe, 'a/b/c'), { recursive: true });
    spawnSync(process.execPath, [TOOLS, 'htar', '--root', site.tape, '--', '-xf', `${HPSS_ROOT}/8.3.2/raw/BLS-EVIL/BLS-EVIL_2026-1.tar`, '../../../escape-probe.h5'], { cwd: join(probe, 'a/b/c') });
    expect(existsSync(join(probe, 'escape-probe.h5'))).toBe(false); // not a member: refused by the stand-in itself
    const direct = spawnSync(process.execPath, [TOOLS, 'htar', '--root', site.tape, '--', '-xf', `${HPSS_ROOT}/8.3.2/raw/BLS-EVIL/BLS-EVIL_2026-1.tar`, '../../../outside/escape.h5'], { cwd: join(probe, 'a/b/c') });
    expect(direct.status).toBe(0);
    expect(existsSync(join(probe, 'outside/escape.h5'))).toBe(true);

    const r = await splash(site, 'restore', '-b', '8.3.2', 'raw/BLS-EVIL', '--to', 'restore832');
    expect(r.code).toBe(1);
    // door/through.h5 is a plain member: it lands in a real folder door/ inside the target, never through the link.
    const inside = { 'door/through.h5': 'through the link', 'ok.h5': 'fine' };
    expect(tree(join(site.restored, 'raw/BLS-EVIL'))).toEqual(inside);
    expect(lstatSync(join(site.restored, 'raw/BLS-EVIL/door')).isDirectory()).toBe(true);
    expect(existsSync(outside)).toBe(false);
    expect(Object.keys(tree(site.restored))).toEqual(Object.keys(inside).map((k) => `raw/BLS-EVIL/${k}`));
    expect(r.out).toMatch(/not restored: \.\.\/\.\.\/\.\.\/outside\/escape\.h5: .*"\.\." segments are not allowed/);
    expect(r.out).toMatch(/not restored: .*outside\/absolute\.h5: .*absolute paths are not allowed/);
    expect(r.out).toMatch(/not restored: door: a symbolic link in the archive/);
    expect(r.out).toMatch(/not restored: twin\.h5: a hard link to "ok\.h5" in the archive/);
    expect(r.out).toMatch(/not restored: dash\/-rf: /); // an option look-alike, refused by the gate like any path sent to us
    expect(r.stderr).toMatch(/6 name\(s\) on tape were not restored/);
    // htar was asked for exactly the two names that passed the gate, never for the others.
    const asked = extractions(site);
    expect(asked).toHaveLength(1);
  });

  it('a file stored alone on tape goes through the same path gate as an archive member: a hostile name is refused, not fetched', () => {
    const single = (rel: string) => ({ rel, path: `/home/a/alsdev/BLS-1/${rel}`, size: 3, modified: '2026-01-01' });
    const catalog = { dest: '/home/a/alsdev/BLS-1', exists: true, archives: [], singles: [single('-rf'), single('a/../../../etc/cron.d/x'), single('ok/big.h5')], problems: [] };
    const plan = planRestore(catalog, { archives: [], files: [] });
    expect(plan.groups.map((g) => (g.kind === 'single' ? g.file.rel : g.archive.name))).toEqual(['ok/big.h5']);
    expect(plan.refused.map((r) => r.rel).sort()).toEqual(['-rf', 'a/../../../etc/cron.d/x']);
    for (const r of plan.refused) expect(r.why).toMatch(/file stored alone on tape/);
  });

  it('a member with set-user-ID, set-group-ID or sticky bits is restored without them', async () => {
    const site = await makeSite();
    craftArchive(site, 'BLS-SUID', 'BLS-SUID_2026-1.tar', [
      { path: 'tool.sh', content: '#!/bin/sh\nid\n', mode: 0o6755 },
      { path: 'data.h5', content: 'data', mode: 0o1644 },
    ]);
    const r = await splash(site, 'restore', '-b', '8.3.2', 'raw/BLS-SUID', '--to', 'restore832');
    expect(r.code, r.out).toBe(0);
    // Run by whoever restores (a collaboration account, or root): a set-ID program from tape would run as them.
    expect(statSync(join(site.restored, 'raw/BLS-SUID/tool.sh')).mode & 0o7777).toBe(0o755);
    expect(statSync(join(site.restored, 'raw/BLS-SUID/data.h5')).mode & 0o7777).toBe(0o644);
  });

  it('a folder of the target reached through a symbolic link is not followed', async () => {
    const site = await makeSite();
    await archived(site);
    const elsewhere = await tempDir('splash-elsewhere-');
    mkdirSync(join(site.restored, P), { recursive: true });
    symlinkSync(elsewhere, join(site.restored, P, 'sub'));
    const r = await splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832');
    expect(r.code).toBe(1);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(r.out).toMatch(/raw\/BLS-00564\/sub\/with space\.h5 exists with other content \(not a regular file\)|sub\/with space\.h5 was not restored: cannot make its folder/);

    // The proposal's own folder reached through a link: nothing is restored at all.
    rmSync(join(site.restored, 'raw'), { recursive: true });
    symlinkSync(elsewhere, join(site.restored, 'raw'));
    const root = await splash(site, 'restore', '-b', '8.3.2', P, '--to', 'restore832');
    expect(root.code).toBe(1);
    expect(root.stderr).toMatch(/cannot restore into .*restored\/raw\/BLS-00564 on .*is a symbolic link: not followed/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

describe('splash hpss ls', () => {
  it('lists what is on tape for a proposal, archive by archive, also as JSON', async () => {
    const site = await makeSite();
    await archived(site);
    const r = await splash(site, 'ls', '-b', '8.3.2', P);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/BLS-00564_2026-1\.tar {2}cycle 2026-1 {2}2 member\(s\), 650 B {2}checksum manifest \(BLAKE2b\)/);
    expect(r.out).toContain(`${LONG}  stored on its own, 30 B`);
    const json = await splash(site, 'ls', '-b', '8.3.2', P, '--json');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { archives: { name: string; cycle: string; complete: boolean; members: { path: string; size: number; blake2b?: string }[] }[]; files: { path: string }[] };
    expect(doc.archives.map((a) => [a.name, a.cycle, a.complete, a.members.length])).toEqual([
      ['BLS-00564_2026-1.tar', '2026-1', true, 2],
      ['BLS-00564_2026-1_part1.tar', '2026-1', true, 2],
      ['BLS-00564_2026-2.tar', '2026-2', true, 1],
    ]);
    expect(doc.archives[0]?.members.find((m) => m.path === 'scan_001.h5')?.blake2b).toMatch(/^[0-9a-f]{128}$/);
    expect(doc.files.map((f) => f.path)).toEqual([LONG]);
    const none = await splash(site, 'ls', '-b', '8.3.2', 'raw/BLS-99999');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nothing on HPSS \(no folder/);
  });
});

describe('hpss action, direction from-tape (bundled)', () => {
  it('restores as the runner runs it, with its output', async () => {
    const site = await makeSite();
    const dir = await archived(site);
    rmSync(dir, { recursive: true });
    const r = await runAction('hpss', { direction: 'from-tape', beamline: '8.3.2', proposals: P, 'restore-to': 'restore832', 'restore-files': '["scan_001.h5"]', config: site.config });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.restored).toBe('1');
    expect(r.summary).toContain('Restore from HPSS · raw/BLS-00564');
    expect(readFileSync(join(site.restored, P, 'scan_001.h5'), 'utf8')).toBe('A'.repeat(600));
    const bad = await runAction('hpss', { direction: 'sideways', beamline: '8.3.2', config: site.config });
    expect(bad.stdout).toMatch(/::error::direction: expected to-tape or from-tape/);
  });
});
