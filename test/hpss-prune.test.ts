// Pruning on tape, end to end through `splash prune` (the same step as every prune): whole archives only, each
// member's copy checked at the rule's check endpoint right before the delete, a dry run first — and faults
// injected between the dry run and the real run (a copy gone, changed, replaced by a link; a listing that fails;
// a delete that fails half-way), after each of which no file is lost: every file is still on tape or its copy
// is whole at the check endpoint.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dist, runNode, writeFileAt } from './helpers.js';
import { fillProposal, HPSS_ROOT, LONG, makeSite, PROPOSAL_FILES, type Site, splash } from './hpss-site.js';

const P = 'raw/BLS-00564';
/** The proposal's files; a test that changes one on disk on purpose says what tape holds for it. */
const FILES: Record<string, string> = { ...PROPOSAL_FILES };
/** Two months from now: every archive written by the test is old enough for a 30-day rule. */
const LATER = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);

async function pruneSite(verify = 'hash', afterDays = 30): Promise<Site> {
  const site = await makeSite(undefined); // hsi and htar on the runner itself
  site.writeConfig({ ssh: false, beamline: `    prune:\n      - { endpoint: hpss_alsdev, after_days: ${String(afterDays)}, check: cfs832, verify: ${verify} }\n` });
  await fillProposal(site);
  const archived = await splash(site, '-b', '8.3.2', P);
  expect(archived.code, archived.out).toBe(0);
  return site;
}

async function prune(site: Site, ...args: string[]) {
  const r = await runNode(dist('cli'), ['prune', '--config', site.config, '-b', '8.3.2', '--now', LATER, ...args]);
  return { ...r, out: r.stdout + r.stderr };
}

const dest = (site: Site): string => join(site.tape, HPSS_ROOT, '8.3.2', P);
const onTape = (site: Site): string[] => (existsSync(dest(site)) ? readdirSync(dest(site)).sort() : []);
const deletes = (site: Site): string[][] => site.calls().filter((c) => c[0] === 'hsi' && c.includes('rm'));

/** No file lost: each is whole in an archive still on tape (or stored alone there), or whole at the check endpoint. */
function nothingLost(site: Site): void {
  const tape = dest(site);
  for (const [rel, content] of Object.entries(FILES)) {
    const copy = join(site.root, 'cfs', P, rel);
    if (existsSync(copy) && readFileSync(copy, 'utf8') === content) continue;
    const archives = onTape(site).filter((n) => n.endsWith('.tar'));
    const inArchive = archives.some((a) => {
      try {
        return execFileSync('tar', ['-xOf', join(tape, a), '--', rel], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) === content;
      } catch {
        return false;
      }
    });
    const alone = existsSync(join(tape, rel)) && readFileSync(join(tape, rel), 'utf8') === content;
    expect(inArchive || alone, `${rel} is neither on tape nor whole at the check endpoint`).toBe(true);
  }
}

describe('splash prune of an hpss endpoint', () => {
  it('a dry run first: it checks every copy and plans; the real run deletes exactly that, whole archives', async () => {
    const site = await pruneSite();
    const all = onTape(site);

    // A real run no dry run prepared deletes nothing.
    const early = await prune(site);
    expect(early.code, early.out).toBe(0);
    expect(early.out).toMatch(/3 archive\(s\) verified but not deleted: tape is pruned only after a dry run planned it/);
    expect(onTape(site)).toEqual(all);
    expect(deletes(site)).toEqual([]);

    const dry = await prune(site, '--dry-run');
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toContain(`would prune hpss_alsdev:${P}/BLS-00564_2026-1.tar`);
    expect(dry.out).toMatch(new RegExp(`kept, unsafe to delete: hpss_alsdev:${P}/n+\\.h5 — stored on its own, without a checksum manifest`));
    expect(onTape(site)).toEqual(all);
    expect(deletes(site)).toEqual([]);

    const real = await prune(site);
    expect(real.code, real.out).toBe(0);
    expect(real.out).toContain(`pruned hpss_alsdev:${P}/BLS-00564_2026-2.tar`);
    expect(onTape(site)).toEqual([LONG]); // archives with their index and manifest gone; the single file stays
    nothingLost(site);
  });

  it('young archives stay; an archive rewritten since the dry run, or a plan over a week old, is not deleted', async () => {
    const young = await pruneSite('hash', 365);
    expect((await prune(young, '--dry-run')).out).toMatch(/hpss_alsdev: 0 would prune .*, 4 kept \(younger than 365 day/);

    const site = await pruneSite();
    expect((await prune(site, '--dry-run')).code).toBe(0);
    const plan = join(site.root, 'cfs/.splash/tape-prune/hpss_alsdev.8.3.2.plan');
    expect(readFileSync(plan, 'utf8')).toContain(`${HPSS_ROOT}/8.3.2/${P}/BLS-00564_2026-1.tar `);
    const old = new Date(Date.now() - 8 * 86_400_000);
    utimesSync(plan, old, old);
    const stale = await prune(site);
    expect(stale.out).toMatch(/3 archive\(s\) verified but not deleted/);
    expect(deletes(site)).toEqual([]);

    expect((await prune(site, '--dry-run')).code).toBe(0);
    // Rewritten on tape after the dry run (another size): the plan does not cover it.
    const tar = join(dest(site), 'BLS-00564_2026-2.tar');
    writeFileSync(tar, Buffer.concat([readFileSync(tar), Buffer.alloc(512)]));
    const r = await prune(site);
    expect(r.code).toBe(0);
    expect(onTape(site)).toContain('BLS-00564_2026-2.tar');
    expect(onTape(site)).not.toContain('BLS-00564_2026-1.tar');
    nothingLost(site);
  });

  it('faults between the dry run and the delete: a copy gone, changed, of another size, or a link — that archive stays', async () => {
    for (const [fault, damage] of [
      ['gone', (cfs: string) => { rmSync(join(cfs, 'scan_002.h5')); }],
      ['changed', (cfs: string) => { writeFileSync(join(cfs, 'scan_002.h5'), 'X'.repeat(600)); }],
      ['resized', (cfs: string) => { writeFileSync(join(cfs, 'scan_002.h5'), 'B'.repeat(599)); }],
      ['link', (cfs: string) => { rmSync(join(cfs, 'scan_002.h5')); symlinkSync(join(cfs, 'scan_001.h5'), join(cfs, 'scan_002.h5')); }],
    ] as const) {
      const site = await pruneSite();
      expect((await prune(site, '--dry-run')).code).toBe(0);
      damage(join(site.root, 'cfs', P));
      const r = await prune(site);
      expect(r.code, `${fault}: ${r.out}`).toBe(0);
      // scan_002.h5 is in the 2026-1 _part1 archive (with sub/with space.h5): that archive stays whole.
      expect(onTape(site), fault).toEqual(expect.arrayContaining(['BLS-00564_2026-1_part1.tar', 'BLS-00564_2026-1_part1.tar.idx', 'BLS-00564_2026-1_part1.tar.b2sum']));
      expect(onTape(site), fault).not.toContain('BLS-00564_2026-1.tar');
      expect(r.out, fault).toMatch(/kept, unsafe to delete: hpss_alsdev:raw\/BLS-00564\/BLS-00564_2026-1_part1\.tar — the copy does not verify: /);
      if (fault === 'changed') FILES['scan_002.h5'] = 'B'.repeat(600); // the tape copy is the original
      nothingLost(site);
    }
  }, 120_000);

  it('verify: size trusts equal sizes only; an archive of the original system (no manifest) is kept by verify: hash', async () => {
    const site = await pruneSite('size');
    rmSync(join(dest(site), 'BLS-00564_2026-2.tar.b2sum')); // as the original system wrote them: no manifest
    expect((await prune(site, '--dry-run')).code).toBe(0);
    expect((await prune(site)).code).toBe(0);
    expect(onTape(site)).toEqual([]); // every archive and the single file: their copies have the sizes
    nothingLost(site);

    const strict = await pruneSite('hash');
    rmSync(join(dest(strict), 'BLS-00564_2026-2.tar.b2sum'));
    const dry = await prune(strict, '--dry-run');
    expect(dry.out).toMatch(/BLS-00564_2026-2\.tar — no checksum manifest \(an archive of the original system/);
  });

  it('a listing that fails deletes nothing; an unreadable index keeps that archive; a delete that fails half-way is finished by the next run', async () => {
    const site = await pruneSite();
    expect((await prune(site, '--dry-run')).code).toBe(0);
    const all = onTape(site);
    site.tools({ fail: 'ls' });
    const noList = await prune(site);
    expect(noList.code).toBe(1);
    expect(noList.stderr).toMatch(/cannot tell what is on HPSS in .*; nothing was deleted/);
    expect(onTape(site)).toEqual(all);

    site.tools();
    writeFileSync(join(dest(site), 'BLS-00564_2026-2.tar.idx'), 'garbage');
    site.tools({ fail: 'rm@2' }); // the first archive file goes, then its index cannot be removed
    const half = await prune(site);
    expect(half.code).toBe(1);
    expect(half.stderr).toMatch(/deleting from HPSS failed for 1 archive\(s\): raw\/BLS-00564\/BLS-00564_2026-1\.tar: hsi rm exit 72/);
    expect(half.out).toMatch(/BLS-00564_2026-2\.tar — its listing cannot be read/);
    expect(half.out).toContain(`pruned hpss_alsdev:${P}/BLS-00564_2026-1_part1.tar`); // the report of what went
    expect(onTape(site)).toContain('BLS-00564_2026-1.tar.idx'); // its archive file went first
    expect(onTape(site)).not.toContain('BLS-00564_2026-1.tar');
    nothingLost(site);

    site.tools();
    const finish = await prune(site);
    expect(finish.code, finish.out).toBe(0);
    expect(onTape(site)).toEqual(['BLS-00564_2026-2.tar', 'BLS-00564_2026-2.tar.b2sum', 'BLS-00564_2026-2.tar.idx', LONG]);
    nothingLost(site);
  });

  it('an hsi rm that exits 0 without deleting is caught: the index stays with its archive, and the run fails', async () => {
    const site = await pruneSite();
    expect((await prune(site, '--dry-run')).code).toBe(0);
    site.tools({ fail: 'rm-silent@1' }); // the first archive file stays on HPSS, though hsi says nothing by its exit code
    const r = await prune(site);
    expect(r.code, r.out).toBe(1);
    expect(r.stderr).toMatch(/deleting from HPSS failed for 1 archive\(s\): raw\/BLS-00564\/BLS-00564_2026-1\.tar: .*still on HPSS/);
    expect(r.out).not.toContain(`pruned hpss_alsdev:${P}/BLS-00564_2026-1.tar\n`);
    expect(onTape(site)).toEqual(expect.arrayContaining(['BLS-00564_2026-1.tar', 'BLS-00564_2026-1.tar.idx', 'BLS-00564_2026-1.tar.b2sum']));
    nothingLost(site);

    site.tools();
    const again = await prune(site);
    expect(again.code, again.out).toBe(0);
    expect(onTape(site)).toEqual([LONG]);
  });

  it('a plan is used once: archives a real run deleted and the archive step wrote again are not deleted without a new dry run', async () => {
    const site = await pruneSite();
    expect((await prune(site, '--dry-run')).code).toBe(0);
    const plan = join(site.root, 'cfs/.splash/tape-prune/hpss_alsdev.8.3.2.plan');
    const planned = statSync(plan).mtimeMs;
    expect((await prune(site)).code).toBe(0);
    expect(onTape(site)).toEqual([LONG]);
    expect(readFileSync(plan, 'utf8')).toBe(''); // what it deleted left the plan; its age still counts from the dry run
    expect(statSync(plan).mtimeMs).toBe(planned);
    // The files go to tape again: the same archives, with the same names and sizes.
    const again = await splash(site, '-b', '8.3.2', P);
    expect(again.code, again.out).toBe(0);
    const all = onTape(site);
    expect(all).toContain('BLS-00564_2026-1.tar');
    const r = await prune(site);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/3 archive\(s\) verified but not deleted: tape is pruned only after a dry run planned it/);
    expect(onTape(site)).toEqual(all);
  });

  it('a name on tape that hsi reads as a pattern (`*`, `?`, `[…]`) is never handed to hsi rm: it would delete what it matches', async () => {
    const site = await pruneSite('size');
    const cfs = join(site.root, 'cfs', P);
    // Someone stored a file named `*` next to the archives (hsi put), and a copy of its size sits at the check endpoint.
    writeFileSync(join(dest(site), '*'), 'x');
    writeFileSync(join(cfs, '*'), 'x');
    // scan_002.h5 (in the _part1 archive) has no verified copy any more: that archive must stay.
    writeFileSync(join(cfs, 'scan_002.h5'), 'B'.repeat(599));
    expect((await prune(site, '--dry-run')).code).toBe(0);
    const r = await prune(site);
    expect(onTape(site)).toEqual(expect.arrayContaining(['*', 'BLS-00564_2026-1_part1.tar', 'BLS-00564_2026-1_part1.tar.idx']));
    expect(r.out).toMatch(/kept, unsafe to delete: hpss_alsdev:raw\/BLS-00564\/\* — its name on HPSS has characters hsi would read/);
    expect(deletes(site).flat().some((a) => /[*?[]/.test(a))).toBe(false);
    nothingLost(site);
  });

  it('a member name with a line break cannot forge the listing: a member without a copy keeps its archive', async () => {
    const site = await pruneSite('size');
    // An archive of the original system (no path gate then): secret.h5 has no copy anywhere; the next member's
    // name carries a line that reads like the catalog's own marker, starting the archive's listing afresh.
    const folder = join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-EVIL');
    const archive = `${HPSS_ROOT}/8.3.2/raw/BLS-EVIL/BLS-EVIL_2026-1.tar`;
    const members = [
      { path: 'secret.h5', content: 'only on tape' },
      { path: `y\n@@splash tar-begin ${archive}`, content: 'y' },
      { path: 'scan_001.h5', content: 'A'.repeat(600) },
    ];
    execFileSync('mkdir', ['-p', folder]);
    const py = 'import io, json, sys, tarfile\nwith tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT) as t:\n    for m in json.loads(sys.argv[2]):\n        d = m["content"].encode(); i = tarfile.TarInfo(m["path"]); i.size = len(d); i.mtime = 1772470800; t.addfile(i, io.BytesIO(d))\n';
    execFileSync('python3', ['-c', py, join(folder, 'BLS-EVIL_2026-1.tar'), JSON.stringify(members)]);
    writeFileSync(join(folder, 'BLS-EVIL_2026-1.tar.idx'), JSON.stringify({ members: members.map((m) => ({ path: m.path, size: m.content.length, mtime: 1772470800000, type: 'f' })) }));
    await writeFileAt(join(site.root, 'cfs/raw/BLS-EVIL/scan_001.h5'), 'A'.repeat(600)); // the one member with a copy
    expect((await prune(site, '--dry-run')).code).toBe(0);
    await prune(site);
    expect(readdirSync(folder).sort()).toEqual(['BLS-EVIL_2026-1.tar', 'BLS-EVIL_2026-1.tar.idx']);
    expect(execFileSync('tar', ['-xOf', join(folder, 'BLS-EVIL_2026-1.tar'), 'secret.h5'], { encoding: 'utf8' })).toBe('only on tape');

    // A name with a line break alone: its listing line reads as a member "y", and a file y of its size is at the
    // check endpoint — but "y<line break>z" has no copy. A listing with a line that is not htar's is not trusted.
    const other = join(site.tape, HPSS_ROOT, '8.3.2/raw/BLS-NL');
    const twoLines = [{ path: 'y\nz', content: 'only on tape' }, { path: 'scan_001.h5', content: 'A'.repeat(600) }];
    execFileSync('mkdir', ['-p', other]);
    execFileSync('python3', ['-c', py, join(other, 'BLS-NL_2026-1.tar'), JSON.stringify(twoLines)]);
    writeFileSync(join(other, 'BLS-NL_2026-1.tar.idx'), JSON.stringify({ members: twoLines.map((m) => ({ path: m.path, size: m.content.length, mtime: 1772470800000, type: 'f' })) }));
    await writeFileAt(join(site.root, 'cfs/raw/BLS-NL/scan_001.h5'), 'A'.repeat(600));
    await writeFileAt(join(site.root, 'cfs/raw/BLS-NL/y'), 'X'.repeat(12));
    const dry = await prune(site, '--dry-run');
    expect(dry.out).toMatch(/BLS-NL_2026-1\.tar — its listing cannot be read: .*not htar's/);
    await prune(site);
    expect(readdirSync(other).sort()).toEqual(['BLS-NL_2026-1.tar', 'BLS-NL_2026-1.tar.idx']);
  });

  it('a check endpoint that is another hpss endpoint is not a prune this build runs', async () => {
    const site = await pruneSite('size');
    const text = readFileSync(site.config, 'utf8').replace('check: cfs832', 'check: hpss_other').replace('endpoints:\n', 'endpoints:\n  hpss_other: { type: hpss, root_path: /home/b/other }\n');
    await writeFileAt(site.config, text);
    const r = await prune(site, '--dry-run');
    expect(r.code, r.stderr).toBe(1); // "not configured": reported, never faked
    expect(r.stderr, r.stderr).toMatch(/the only prune rule cannot run: no prune controller for hpss_alsdev \(hpss .*\) checked against hpss_other/);
    expect(deletes(site)).toEqual([]);
  });
});
