// The hpss step end to end: the bundled CLI and action, the OpenSSH client to an SSH server on 127.0.0.1
// (test/sim/sshd.ts, in-process), and hsi/htar stand-ins (test/sim/hpss) that write real tar archives into a
// folder playing HPSS.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dist, runAction, runNode, tempDir, writeFileAt } from './helpers.js';
import { fillProposal, HPSS_ROOT, LONG, makeSite as makeSiteWith, type Site, splash, TOOLS } from './hpss-site.js';
import { type Sshd, startSshd } from './sim/sshd.js';

let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd(await tempDir('splash-sshd-'));
});
afterAll(async () => {
  await (sshd as Sshd | undefined)?.stop(); // undefined when sshd failed to start: that error is the one to see
});

const makeSite = (): Promise<Site> => makeSiteWith(sshd);

/** Extract a tar from the simulated HPSS and read one member. */
function member(tar: string, rel: string): string {
  return execFileSync('tar', ['-xOf', tar, '--', rel], { encoding: 'utf8' });
}

describe('splash hpss over ssh', () => {
  it('bundles a proposal per beam cycle, puts what htar cannot take with cput, verifies every archive', async () => {
    const site = await makeSite();
    await fillProposal(site);
    const r = await splash(site, '--beamline', '8.3.2', 'raw/BLS-00564');
    expect(r.code).toBe(0);

    const dest = join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-00564');
    expect((await readdir(dest)).sort()).toEqual([
      'BLS-00564_2026-1.tar',
      'BLS-00564_2026-1.tar.b2sum',
      'BLS-00564_2026-1.tar.idx',
      'BLS-00564_2026-1_part1.tar',
      'BLS-00564_2026-1_part1.tar.b2sum',
      'BLS-00564_2026-1_part1.tar.idx',
      'BLS-00564_2026-2.tar',
      'BLS-00564_2026-2.tar.b2sum',
      'BLS-00564_2026-2.tar.idx',
      LONG,
    ]);
    // The checksum manifest stored with each archive: every member's BLAKE2b-512, read while htar read it.
    const sha = execFileSync('b2sum', ['scan_001.h5', 'evening.h5'], { cwd: join(site.root, 'cfs/raw/BLS-00564'), encoding: 'utf8' });
    expect(readFileSync(join(dest, 'BLS-00564_2026-1.tar.b2sum'), 'utf8').split('\n').filter(Boolean).sort()).toEqual(sha.split('\n').filter(Boolean).sort());
    // 1 KiB bundles: evening (50) + scan_001 (600) fill the first; scan_002 + the sub-folder file the next.
    const first = join(dest, 'BLS-00564_2026-1.tar');
    expect(execFileSync('tar', ['-tf', first], { encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual(['evening.h5', 'scan_001.h5']);
    expect(member(first, 'scan_001.h5')).toBe('A'.repeat(600));
    expect(member(join(dest, 'BLS-00564_2026-1_part1.tar'), 'sub/with space.h5')).toBe('C'.repeat(100));
    expect(member(join(dest, 'BLS-00564_2026-2.tar'), 'autumn/scan_900.h5')).toBe('E'.repeat(70));
    expect(readFileSync(join(dest, LONG), 'utf8')).toBe('L'.repeat(30));

    expect(r.out).toContain('raw/BLS-00564: 6 file(s), 1.4 KiB → 3 new htar archive(s) + 1 single file(s)');
    expect(r.out).toContain('ignored: link.h5: symbolic link (not followed)');
    expect(r.out).toMatch(/archived and verified: \/home\/a\/alsdev\/data_mover\/8\.3\.2\/raw\/BLS-00564\/BLS-00564_2026-2\.tar \(1 file\(s\), 70 B\)/);
    expect(r.out).toContain(`on its own: ${LONG} (path too long for a tar header)`);
    // The single file went with "local : hpss" (CONTRACTS.md §4.5: without the colon hsi stores two files).
    expect(site.calls().some((c) => c[0] === 'hsi' && c.join(' ').includes(`cput ${LONG} : ${HPSS_ROOT}/8.3.2/raw/BLS-00564/${LONG}`))).toBe(true);
  });

  it('a re-run writes nothing again and verifies what is on HPSS', async () => {
    const site = await makeSite();
    await fillProposal(site);
    expect((await splash(site, '-b', '8.3.2', 'raw/BLS-00564')).code).toBe(0);
    const before = site.calls().length;
    const again = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(again.code).toBe(0);
    const second = site.calls().slice(before);
    expect(second.filter((c) => c[0] === 'htar' && c[1] === '-cf')).toEqual([]);
    expect(second.filter((c) => c[0] === 'htar' && c[1] === '-tvf')).toHaveLength(3);
    expect(again.out.match(/already on HPSS, verified/g)).toHaveLength(4);
  });

  it('an htar failure fails the step, leaves no index, and the next run completes the archive', async () => {
    const site = await makeSite();
    await fillProposal(site);
    site.tools({ fail: 'htar-idx' }); // the tar is written but htar fails before its index
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/hpss: 3 archive\(s\) failed/);
    expect(r.out).toMatch(/BLS-00564_2026-1\.tar \(2 file\(s\), 650 B\): htar exit 72/);
    const dest = join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-00564');
    expect(existsSync(join(dest, 'BLS-00564_2026-1.tar.idx'))).toBe(false);

    site.tools();
    const again = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(again.code).toBe(0);
    expect(again.out.match(/archived and verified: .*\.tar /g)).toHaveLength(3);
    expect(existsSync(join(dest, 'BLS-00564_2026-1.tar.idx'))).toBe(true);
  });

  it('a file written to while its archive is made: that archive is not complete (no index, no manifest); its files go to tape again with the next run', async () => {
    const site = await makeSite();
    const dir = await fillProposal(site);
    site.tools({ fail: 'htar-create-rewrite@1' }); // evening.h5, the first member of the first archive, changes under htar
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/BLS-00564_2026-1\.tar \(2 file\(s\), 650 B\): .*changed while it was archived: evening\.h5/);
    const dest = join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-00564');
    // What the archive holds is neither the file before nor after: nothing may take it for complete.
    expect(existsSync(join(dest, 'BLS-00564_2026-1.tar.idx'))).toBe(false);
    expect(existsSync(join(dest, 'BLS-00564_2026-1.tar.b2sum'))).toBe(false);
    expect(existsSync(join(dest, 'BLS-00564_2026-2.tar.idx'))).toBe(true); // the others were not touched

    site.tools();
    const again = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/BLS-00564_2026-1\.tar on HPSS has no index \(an interrupted write\): not used/);
    const back = await splash(site, 'restore', '-b', '8.3.2', 'raw/BLS-00564', '--to', 'restore832');
    expect(back.code, back.out).toBe(0);
    expect(readFileSync(join(site.restored, 'raw/BLS-00564/evening.h5'), 'utf8')).toBe(readFileSync(join(dir, 'evening.h5'), 'utf8'));
  });

  it('a file stored alone on tape is never replaced: a changed (or damaged) file on disk fails the step, the tape copy stays', async () => {
    const site = await makeSite();
    const dir = await fillProposal(site);
    expect((await splash(site, '-b', '8.3.2', 'raw/BLS-00564')).code).toBe(0);
    const onTape = join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-00564', LONG);
    expect(readFileSync(onTape, 'utf8')).toBe('L'.repeat(30));
    // A transfer that died half-way left the file cut short on disk, with a newer time.
    writeFileSync(join(dir, LONG), 'L'.repeat(10));
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/n+\.h5 \(1 file\(s\), 10 B\): .*another version .* is on HPSS and is not replaced/);
    expect(readFileSync(onTape, 'utf8')).toBe('L'.repeat(30));
  });

  it('a file that arrives after its cycle was archived goes into a new part; the archives on tape stay as they are', async () => {
    const site = await makeSite();
    await fillProposal(site);
    expect((await splash(site, '-b', '8.3.2', 'raw/BLS-00564')).code).toBe(0);
    const dest = join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-00564');
    const before = readFileSync(join(dest, 'BLS-00564_2026-2.tar'));
    // A scan of that cycle appears after it was archived (restored with its old mtime).
    await writeFileAt(join(site.root, 'cfs/raw/BLS-00564/autumn/late.h5'), 'F', new Date('2026-09-11T12:00:00Z'));
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code).toBe(0);
    expect(r.out).toContain('6 already on HPSS in 4 archive(s) and file(s) → 1 new htar archive(s)');
    expect(r.out).toMatch(/archived and verified: \/home\/a\/alsdev\/data_mover\/8\.3\.2\/raw\/BLS-00564\/BLS-00564_2026-2_part1\.tar \(1 file\(s\), 1 B\)/);
    expect(member(join(dest, 'BLS-00564_2026-2_part1.tar'), 'autumn/late.h5')).toBe('F');
    expect(readFileSync(join(dest, 'BLS-00564_2026-2.tar')).equals(before)).toBe(true);
    // And the next one after that: _part2.
    await writeFileAt(join(site.root, 'cfs/raw/BLS-00564/autumn/later.h5'), 'G', new Date('2026-09-12T12:00:00Z'));
    expect((await splash(site, '-b', '8.3.2', 'raw/BLS-00564')).code).toBe(0);
    expect(member(join(dest, 'BLS-00564_2026-2_part2.tar'), 'autumn/later.h5')).toBe('G');
    expect(site.calls().filter((c) => c[0] === 'htar' && c[1] === '-cf')).toHaveLength(5);
  });

  it('refuses what hsi cannot take and fails the step naming it, archiving everything else', async () => {
    const site = await makeSite();
    const dir = await fillProposal(site);
    await writeFileAt(join(dir, `${'q'.repeat(110)} (1).h5`), 'Q');
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/not archived: raw\/BLS-00564\/q+ \(1\)\.h5: path too long for a tar header, and its name has characters hsi cannot take/);
    expect(r.stderr).toMatch(/1 file\(s\) are not on tape/);
    expect(existsSync(join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-00564/BLS-00564_2026-2.tar.idx'))).toBe(true);
  });

  it('a scheduled run archives the proposals last modified in the last completed cycle', async () => {
    const site = await makeSite();
    for (const [name, when] of [
      ['BLS-00001', '2026-02-01T12:00:00Z'],
      ['BLS-00002', '2026-07-01T12:00:00Z'],
      ['BLS-00003', '2026-08-01T12:00:00Z'],
      ['BLS-00004', '2025-12-01T12:00:00Z'],
    ] as const) {
      const dir = join(site.root, 'cfs/raw', name);
      await writeFileAt(join(dir, 'scan.h5'), name, new Date(when));
      await utimes(dir, new Date(when), new Date(when));
    }
    const r = await splash(site, '--now', '2026-07-20T12:00:00Z');
    expect(r.code).toBe(0);
    expect(r.out).toContain('4 proposal folder(s) in');
    expect(r.out).toContain('2 with their newest file in beam cycle 2026-1');
    const beamline = join(site.tape, HPSS_ROOT, '8.3.2/raw');
    expect((await readdir(beamline)).sort()).toEqual(['BLS-00001', 'BLS-00002']);

    const dry = await splash(site, '--cycle', '2026-2', '--dry-run', '--now', '2027-01-03');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('1 with their newest file in beam cycle 2026-2');
    expect(dry.out).toContain('BLS-00003_2026-2.tar');
    expect(existsSync(join(beamline, 'BLS-00003'))).toBe(false);
  });

  it('a proposal of 1,500 files: the long listings come back whole over ssh and verify', async () => {
    const site = await makeSite();
    const dir = join(site.root, 'cfs/raw/BLS-01500');
    const when = new Date('2026-03-02T17:00:00Z');
    for (let i = 0; i < 1500; i++) await writeFileAt(join(dir, `scan_${String(Math.floor(i / 100))}`, `frame_${String(i).padStart(5, '0')}.tif`), 'x', when);
    site.writeConfig({ archive: '{ from: cfs832, to: hpss_alsdev, bundle_max_gib: 1 }' });
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-01500');
    expect(r.out).toContain('archived and verified: /home/a/alsdev/data_mover/8.3.2/raw/BLS-01500/BLS-01500_2026-1.tar (1500 file(s), 1.5 KiB)');
    expect(r.code).toBe(0);
  });

  it('selects by the newest file anywhere in a proposal, not the folder’s own mtime; a running cycle waits', async () => {
    const site = await makeSite();
    const dir = join(site.root, 'cfs/raw/BLS-00010');
    await writeFileAt(join(dir, 'scan/a.h5'), 'old', new Date('2025-10-01T12:00:00Z'));
    await writeFileAt(join(dir, 'scan/b.h5'), 'new', new Date('2026-03-01T12:00:00Z')); // deep: the top folder's mtime stays old
    await utimes(dir, new Date('2025-10-01T12:00:00Z'), new Date('2025-10-01T12:00:00Z'));
    const r = await splash(site, '--now', '2026-07-20T12:00:00Z');
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 with their newest file in beam cycle 2026-1');
    const dest = join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-00010');
    expect((await readdir(dest)).filter((n) => n.endsWith('.tar')).sort()).toEqual(['BLS-00010_2025-2.tar', 'BLS-00010_2026-1.tar']);

    // By hand in August: the 2026-2 scan waits for the cycle to end; asking for that cycle is refused.
    await writeFileAt(join(dir, 'scan/c.h5'), 'aug', new Date('2026-08-10T12:00:00Z'));
    const early = await splash(site, '-b', '8.3.2', '--now', '2026-08-20T12:00:00Z', 'raw/BLS-00010');
    expect(early.code).toBe(0);
    expect(early.out).toContain('1 file(s) of a beam cycle after 2026-1 wait for a run after that cycle ends');
    expect(existsSync(join(dest, 'BLS-00010_2026-2.tar'))).toBe(false);
    const refused = await splash(site, '-b', '8.3.2', '--now', '2026-08-20T12:00:00Z', '--cycle', '2026-2', 'raw/BLS-00010');
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/cycle: beam cycle 2026-2 has not ended yet \(the last that has is 2026-1\)/);
  });

  it('a listing of the tape folder that fails writes nothing: complete archives are never overwritten', async () => {
    const site = await makeSite();
    const dir = await fillProposal(site);
    expect((await splash(site, '-b', '8.3.2', 'raw/BLS-00564')).code).toBe(0);
    const tar = join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-00564/BLS-00564_2026-1.tar');
    const before = readFileSync(tar);
    rmSync(join(dir, 'scan_001.h5')); // gone from disk since: tape holds the only copy
    site.tools({ fail: 'ls' }); // every hsi ls fails: what is on tape is unknown
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/cannot tell what is on HPSS in \/home\/a\/alsdev\/data_mover\/8\.3\.2\/raw\/BLS-00564, so nothing was written/);
    expect(site.calls().filter((c) => c[0] === 'htar' && c[1] === '-cf')).toHaveLength(3); // the first run's only
    expect(readFileSync(tar).equals(before)).toBe(true);

    // The listing flaky between the survey and the write (a late file to write): the write stops before anything.
    await writeFileAt(join(dir, 'late.h5'), 'L', new Date('2026-03-05T12:00:00Z'));
    site.tools({ fail: 'ls-dir-2' });
    const flaky = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(flaky.code).toBe(1);
    expect(flaky.out).toMatch(/cannot list \/home\/a\/alsdev\/data_mover\/8\.3\.2\/raw\/BLS-00564 on HPSS, so nothing was written/);
    expect(site.calls().filter((c) => c[0] === 'htar' && c[1] === '-cf')).toHaveLength(3);
    expect(readFileSync(tar).equals(before)).toBe(true);
  });

  it('an index without its archive fails verification: the archive file itself is checked', async () => {
    const site = await makeSite();
    await fillProposal(site);
    expect((await splash(site, '-b', '8.3.2', 'raw/BLS-00564')).code).toBe(0);
    rmSync(join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-00564/BLS-00564_2026-2.tar'));
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BLS-00564_2026-2\.tar .*verification: BLS-00564_2026-2\.tar is not on HPSS \(only its index is\)/);
    // Its files are on tape again, in a new part.
    expect(r.out).toMatch(/archived and verified: .*BLS-00564_2026-2_part1\.tar \(1 file\(s\), 70 B\)/);
  });

  it('runs hsi and htar on the runner itself when the endpoint has no ssh settings', async () => {
    const site = await makeSite();
    await fillProposal(site);
    site.writeConfig({ ssh: false });
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code).toBe(0);
    expect(r.out).toContain('via this runner');
    expect(existsSync(join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-00564/BLS-00564_2026-2.tar.idx'))).toBe(true);
  });
});

describe('splash hpss: archives of the original system, integrity, hard links', () => {
  it('archives the original system split into other parts (find order, ./ names) are recognised and verified as they are', async () => {
    const site = await makeSite();
    const dir = join(site.root, 'cfs/raw/BLS-00777');
    const spring = new Date('2026-03-02T17:00:00Z');
    for (const n of ['b.h5', 'a.h5', 'c.h5', 'sub/d.h5']) await writeFileAt(join(dir, n), n.repeat(40), spring);
    // What the original wrote: `htar -cvf <archive> ./b.h5 ./c.h5` from find's order, then a _part1 of the rest.
    const dest = join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-00777');
    await mkdir(dest, { recursive: true });
    for (const [name, members] of [['BLS-00777_2026-1.tar', ['./b.h5', './c.h5']], ['BLS-00777_2026-1_part1.tar', ['./sub/d.h5', './a.h5']]] as const) {
      execFileSync(process.execPath, [TOOLS, 'htar', '--root', site.tape, '--', '-cvf', `${HPSS_ROOT}/8.3.2/raw/BLS-00777/${name}`, ...members], { cwd: dir });
    }
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00777');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('4 already on HPSS in 2 archive(s) and file(s) → 0 new htar archive(s)');
    expect(r.out.match(/already on HPSS, verified: .*BLS-00777_2026-1(_part1)?\.tar \(2 file\(s\)/g)).toHaveLength(2);
    expect(site.calls().filter((c) => c[0] === 'htar' && c[1] === '-cf')).toEqual([]);
    // And they come back by their stored names.
    rmSync(dir, { recursive: true });
    const back = await splash(site, 'restore', '-b', '8.3.2', 'raw/BLS-00777', '--to', 'restore832');
    expect(back.code, back.out).toBe(0);
    expect(readFileSync(join(site.restored, 'raw/BLS-00777/sub/d.h5'), 'utf8')).toBe('sub/d.h5'.repeat(40));
    expect(back.out).toContain('(no checksum manifest: checked by size)');
  });

  it('verify: content reads every new archive back from tape against its CRCs (htar -K)', async () => {
    const site = await makeSite();
    await fillProposal(site);
    site.writeConfig({ archive: '{ from: cfs832, to: hpss_alsdev, bundle_max_gib: 0.000001, verify: content }' });
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code, r.out).toBe(0);
    const calls = site.calls().filter((c) => c[0] === 'htar');
    expect(calls.filter((c) => c[1] === '-cf').every((c) => c.includes('-Hcrc'))).toBe(true);
    expect(calls.filter((c) => c[1] === '-K' && c.includes('-Hverify=crc'))).toHaveLength(3);
    // The stand-in's -K really reads the archive: a flipped byte on "tape" is found.
    const tar = join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-00564/BLS-00564_2026-2.tar');
    const bytes = readFileSync(tar);
    bytes[520] = (bytes[520] ?? 0) ^ 0xff; // inside the one member's data (its header is the first 512 bytes)
    writeFileSync(tar, bytes);
    const k = spawnSync(process.execPath, [TOOLS, 'htar', '--root', site.tape, '--', '-K', '-Hverify=crc', '-f', `${HPSS_ROOT}/8.3.2/raw/BLS-00564/BLS-00564_2026-2.tar`], { encoding: 'utf8' });
    expect(k.status).toBe(1);
    expect(k.stderr).toMatch(/CRC mismatch/);

    const other = await makeSite();
    await fillProposal(other);
    other.writeConfig({ archive: '{ from: cfs832, to: hpss_alsdev, bundle_max_gib: 0.000001, verify: content }' });
    other.tools({ fail: 'htar-K@2' });
    const failed = await splash(other, '-b', '8.3.2', 'raw/BLS-00564');
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/BLS-00564_2026-1_part1\.tar .*verification: htar -K \(read back from tape\) exited 72/);
  });

  it('hard links inside a proposal are refused up front, naming both names; the rest is archived', async () => {
    const site = await makeSite();
    const dir = await fillProposal(site);
    linkSync(join(dir, 'scan_001.h5'), join(dir, 'scan_001_copy.h5'));
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/not archived: raw\/BLS-00564\/scan_001\.h5: hard link: the same data as scan_001_copy\.h5 \(htar would store all but one name as a link of size 0\)/);
    expect(r.out).toMatch(/not archived: raw\/BLS-00564\/scan_001_copy\.h5: hard link: the same data as scan_001\.h5/);
    expect(r.stderr).toMatch(/2 file\(s\) are not on tape/);
    expect(r.out).toMatch(/archived and verified: .*BLS-00564_2026-2\.tar/);
    const listed = execFileSync('tar', ['-tf', join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-00564/BLS-00564_2026-1.tar')], { encoding: 'utf8' });
    expect(listed).not.toMatch(/scan_001/);
  });
});

describe('splash hpss: bad input changes nothing', () => {
  it('usage and config errors exit 2 before any hsi or htar call', async () => {
    const site = await makeSite();
    await fillProposal(site);
    const cases: [string[], RegExp][] = [
      [['-b', '8.3.2', 'raw/NOPE'], new RegExp(`proposal raw/NOPE: no folder .*cfs/raw/NOPE on ${sshd.user}@127\\.0\\.0\\.1`)],
      [['-b', '8.3.2', '../etc'], /proposals\[0\]/],
      [['-b', '8.3.2', '--cycle', '2026-3'], /cycle: expected "last" or a beam cycle like 2026-1/],
      [['raw/BLS-00564'], /proposals: given without a beamline/],
      [['-b', '8.3.2', '--cycle', '2027-1'], /cycle: beam cycle 2027-1 has not ended yet/],
      // hsi would split this name: refused before the first proposal is touched, not midway.
      [['-b', '8.3.2', 'raw/BLS-00564', 'raw/bad name'], /proposal raw\/bad name: the HPSS path .* has characters hsi cannot take safely/],
      [['-b', '7.3.3'], /beamline 7\.3\.3 is not configured|no archive settings/],
    ];
    for (const [args, message] of cases) {
      const r = await splash(site, ...args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.code, args.join(' ')).toBe(2);
    }
    expect(site.calls().filter((c) => c[0] === 'htar')).toEqual([]);

    site.writeConfig({ archive: '{ from: cfs832, to: cfs832 }' });
    const self = await splash(site, '-b', '8.3.2');
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/archive\.to: expected an hpss endpoint other than from/);

    site.writeConfig();
    writeFileSync(site.config, readFileSync(site.config, 'utf8').replace(/key_path: [^,]+,/, 'key_path: "${NO_SUCH_KEY_VAR}",'));
    const key = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/key_path: .*NO_SUCH_KEY_VAR.* not set/);
    expect(site.calls()).toEqual(expect.not.arrayContaining([expect.arrayContaining(['htar'])]));
  });

  it('an unreachable host is a step failure that says what to check', async () => {
    const site = await makeSite();
    await fillProposal(site);
    const other = await startSshd(await tempDir('splash-sshd-down-'));
    const port = other.port;
    await other.stop();
    site.writeConfig({ port });
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ssh to root@127\.0\.0\.1:\d+ failed: .*Connection refused/);
    expect(r.stderr).toMatch(/sshproxy keys last 24 h/);
  });

  it('an unknown host key is refused, never accepted on first use', async () => {
    const site = await makeSite();
    await fillProposal(site);
    writeFileSync(sshd.knownHosts + '.empty', '');
    writeFileSync(site.config, readFileSync(site.config, 'utf8').replace(`known_hosts: ${sshd.knownHosts}`, `known_hosts: ${sshd.knownHosts}.empty`));
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Host key verification failed/);
    expect(readFileSync(sshd.knownHosts + '.empty', 'utf8')).toBe('');
    rmSync(sshd.knownHosts + '.empty');
  });

  it('a key the host does not accept is a step failure naming the key settings, and nothing is archived', async () => {
    const site = await makeSite();
    await fillProposal(site);
    const other = join(await tempDir('splash-otherkey-'), 'key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other], { stdio: 'ignore' });
    writeFileSync(site.config, readFileSync(site.config, 'utf8').replace(`key_path: ${sshd.keyPath}`, `key_path: ${other}`));
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ssh to .*@127\.0\.0\.1:\d+ failed: .*Permission denied \(publickey\)/);
    expect(r.stderr).toMatch(/ssh\.key_path/);
    expect(site.calls()).toEqual([]);
  });
});

describe('the CLI in a workflow run: step', () => {
  it('renders for the runner: groups in the log and the job summary staff read', async () => {
    const site = await makeSite();
    await fillProposal(site);
    const io = await tempDir('splash-runner-');
    const summary = join(io, 'summary');
    writeFileSync(summary, '');
    writeFileSync(join(io, 'output'), '');
    const r = await runNode(dist('cli'), ['hpss', '--config', site.config, '-b', '8.3.2', '--dry-run', 'raw/BLS-00564'], {
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: join(io, 'output') },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('::group::archive raw/BLS-00564');
    expect(readFileSync(summary, 'utf8')).toMatch(/HPSS archive · beamline 8\.3\.2 \(dry run\)[\s\S]*BLS-00564_2026-1_part1\.tar/);
    expect(existsSync(join(site.tape, HPSS_ROOT, '8.3.2'))).toBe(false);
  });
});

describe('hpss action (bundled)', () => {
  it('archives as the runner runs it, with outputs and a job summary', async () => {
    const site = await makeSite();
    await fillProposal(site);
    const r = await runAction('hpss', { beamline: '8.3.2', proposals: '["raw/BLS-00564"]', config: site.config, now: '2027-01-05' });
    expect(r.code).toBe(0);
    expect(r.outputs.archived).toBe('4');
    expect(JSON.parse(r.outputs.archives ?? '[]')).toHaveLength(4);
    expect(r.summary).toContain('HPSS archive · beamline 8.3.2');
    expect(r.summary).toMatch(/BLS-00564_2026-1_part1\.tar.*2026-1.*written/);

    const bad = await runAction('hpss', { beamline: '8.3.2', cycle: 'spring', config: site.config });
    expect(bad.code).toBe(1); // the runner only tells zero from non-zero
    expect(bad.stdout).toMatch(/::error::.*cycle: expected "last"/);
  });
});
