// The archive planner, beam cycles and the script pieces that need no HPSS host.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cycleKey, cycleOf, lastCompletedCycle, parseCycle } from '../src/hpss/cycle.js';
import { fitsUstar, HTAR_MEMBER_LIMIT, type InventoryFile, isHsiSafe, planArchive } from '../src/hpss/plan.js';
import { lsSize, parseArchiveOutput, parseListing, verifyBundleListing, verifyLsListing } from '../src/hpss/script.js';
import { archiveNameParts, parseCatalog } from '../src/hpss/catalog.js';
import { lsTime } from '../src/hpss/prune.js';
import { shq } from '../src/shell.js';

const LA = 'America/Los_Angeles';
const at = (iso: string): number => new Date(iso).getTime();
const file = (rel: string, size: number, iso = '2026-03-01T12:00:00Z'): InventoryFile => ({ rel, size, mtimeMs: at(iso) });

describe('beam cycles', () => {
  it('splits the year at July 15/16 in the facility time zone, not the runner’s', () => {
    // 2026-07-15 23:30 in California is already July 16 in UTC.
    expect(cycleOf(at('2026-07-16T06:30:00Z'), LA)).toEqual({ year: 2026, cycle: 1 });
    expect(cycleOf(at('2026-07-16T06:30:00Z'), 'UTC')).toEqual({ year: 2026, cycle: 2 });
    expect(cycleOf(at('2026-07-16T07:00:00Z'), LA)).toEqual({ year: 2026, cycle: 2 });
    expect(cycleOf(at('2027-01-01T07:59:00Z'), LA)).toEqual({ year: 2026, cycle: 2 });
    expect(cycleOf(at('2027-01-01T08:00:00Z'), LA)).toEqual({ year: 2027, cycle: 1 });
  });

  it('the last completed cycle: cycle 1 from July 16, else the previous year’s cycle 2', () => {
    expect(cycleKey(lastCompletedCycle(new Date('2026-07-20T12:00:00Z'), LA))).toBe('2026-1');
    expect(cycleKey(lastCompletedCycle(new Date('2026-07-15T12:00:00Z'), LA))).toBe('2025-2');
    expect(cycleKey(lastCompletedCycle(new Date('2026-01-02T12:00:00Z'), LA))).toBe('2025-2');
    expect(cycleKey(lastCompletedCycle(new Date('2026-12-31T12:00:00Z'), LA))).toBe('2026-1');
  });

  it('parses --cycle and names the accepted forms when it cannot', () => {
    const now = new Date('2026-12-02T00:00:00Z');
    expect(parseCycle('last', 'cycle', now, LA)).toEqual({ year: 2026, cycle: 1 });
    expect(parseCycle('', 'cycle', now, LA)).toEqual({ year: 2026, cycle: 1 });
    expect(parseCycle('2025-2', 'cycle', now, LA)).toEqual({ year: 2025, cycle: 2 });
    for (const bad of ['2025-3', '25-1', 'spring', '2025-1; rm -rf /']) {
      expect(() => parseCycle(bad, 'cycle', now, LA)).toThrow(/cycle: expected "last" or a beam cycle like 2026-1/);
    }
  });
});

describe('planArchive', () => {
  const opts = { proposal: 'BLS-00564', timeZone: LA, bundleMaxBytes: 1000, upTo: { year: 2026, cycle: 2 } as const };

  it('groups by cycle and packs greedily in path order, naming parts as the original does', () => {
    const plan = planArchive(
      [
        file('c.h5', 400),
        file('a.h5', 400),
        file('b.h5', 400),
        file('late/x.h5', 10, '2026-08-01T00:00:00Z'),
        file('early/y.h5', 10, '2025-12-01T00:00:00Z'),
      ],
      opts,
    );
    expect(plan.bundles.map((b) => [b.name, b.members.map((m) => m.rel), b.bytes])).toEqual([
      ['BLS-00564_2025-2.tar', ['early/y.h5'], 10],
      ['BLS-00564_2026-1.tar', ['a.h5', 'b.h5'], 800],
      ['BLS-00564_2026-1_part1.tar', ['c.h5'], 400],
      ['BLS-00564_2026-2.tar', ['late/x.h5'], 10],
    ]);
    expect(plan.files).toBe(5);
    expect(plan.bytes).toBe(1220);
    expect(plan.singles).toEqual([]);
  });

  it('plans the same bundles whatever order the listing came in', () => {
    const files = Array.from({ length: 50 }, (_, i) => file(`s/${String(i).padStart(3, '0')}.h5`, 97 + i));
    const a = planArchive(files, opts);
    const b = planArchive([...files].reverse(), opts);
    expect(b.bundles.map((x) => x.members.map((m) => m.rel))).toEqual(a.bundles.map((x) => x.members.map((m) => m.rel)));
  });

  it('a file bigger than a bundle gets a bundle of its own; one above the htar member limit goes alone with cput', () => {
    const plan = planArchive([file('big.h5', 5000), file('huge.h5', HTAR_MEMBER_LIMIT + 1), file('edge.h5', HTAR_MEMBER_LIMIT)], { ...opts, bundleMaxBytes: 2 * HTAR_MEMBER_LIMIT });
    expect(plan.singles.map((s) => [s.file.rel, s.why])).toEqual([['huge.h5', 'larger than the htar member limit (68.7 GB)']]);
    expect(plan.bundles.map((b) => b.members.map((m) => m.rel))).toEqual([['big.h5', 'edge.h5']]);
    expect(planArchive([file('big.h5', 5000)], opts).bundles[0]?.bytes).toBe(5000);
  });

  it('paths a tar header cannot hold go alone; names hsi cannot take are refused, never dropped silently', () => {
    const long = `${'d'.repeat(60)}/${'n'.repeat(120)}.h5`;
    const longOdd = `${'n'.repeat(120)} (copy).h5`;
    const plan = planArchive([file(long, 1), file(longOdd, 1), file('fine name.h5', 1)], opts);
    expect(plan.singles.map((s) => s.file.rel)).toEqual([long]);
    expect(plan.refused.map((r) => r.rel)).toEqual([longOdd]);
    expect(plan.refused[0]?.why).toMatch(/path too long for a tar header, and its name has characters hsi cannot take/);
    expect(plan.bundles[0]?.members.map((m) => m.rel)).toEqual(['fine name.h5']); // any name is fine inside a bundle
  });

  it('files of a cycle that has not ended wait: an archive cannot be appended to later', () => {
    const plan = planArchive([file('a.h5', 1, '2026-03-01T00:00:00Z'), file('b.h5', 1, '2026-08-01T00:00:00Z')], { ...opts, upTo: { year: 2026, cycle: 1 } });
    expect(plan.bundles.map((b) => b.name)).toEqual(['BLS-00564_2026-1.tar']);
    expect(plan.deferred.map((f) => f.rel)).toEqual(['b.h5']);
  });

  it('knows the ustar limits: 99-byte names, split at a / from a prefix of up to 154', () => {
    expect(fitsUstar('a'.repeat(99))).toBe(true);
    expect(fitsUstar('a'.repeat(100))).toBe(false);
    expect(fitsUstar(`${'p'.repeat(154)}/${'n'.repeat(99)}`)).toBe(true);
    expect(fitsUstar(`${'p'.repeat(155)}/${'n'.repeat(99)}`)).toBe(false);
    expect(fitsUstar('é'.repeat(50))).toBe(false); // bytes, not characters
    expect(isHsiSafe('/home/a/alsdev/data_mover/8.3.2/raw/BLS-00564')).toBe(true);
    for (const bad of ['a b', 'a;b', 'a*b', "a'b", 'a:b', 'ü']) expect(isHsiSafe(bad)).toBe(false);
  });
});

describe('script pieces', () => {
  it('shq quotes anything so bash reads back exactly the value', () => {
    for (const v of ["it's", 'a b', '$(touch /tmp/x)', '`id`', '"q"', '\\', '-rf', "'", "''", '*', 'é ü']) {
      expect(execFileSync('bash', ['-c', `printf %s ${shq(v)}`], { encoding: 'utf8' })).toBe(v);
    }
  });

  it('reads find’s NUL-separated inventory between its markers, names with tabs and spaces intact', () => {
    // A login shell's banner before the marker is not ours and is skipped.
    const out = 'Loading module x\nf\t1\t1\tjunk.h5\0@@splash-begin\0f\t12\t1767225600.5\ta b.h5\0f\t0\t1767225600\tsub/t\tab.h5\0o\tl\t0\tlink\0@@splash-end\0';
    expect(parseListing(out)).toEqual([
      { kind: 'file', rel: 'a b.h5', size: 12, mtimeMs: 1767225600500, type: 'f' },
      { kind: 'file', rel: 'sub/t\tab.h5', size: 0, mtimeMs: 1767225600000, type: 'f' },
      { kind: 'other', rel: 'link', size: 0, mtimeMs: 0, type: 'l' },
    ]);
    // Cut short, or a record it cannot read: an error, never a file quietly left out.
    expect(() => parseListing('@@splash-begin\0f\t12\t1\ta.h5\0')).toThrow(/incomplete/);
    expect(() => parseListing('@@splash-begin\0Loading x\0f\t12\t1\ta.h5\0@@splash-end\0')).toThrow(/unreadable record .*Loading x/);
    expect(() => parseListing('@@splash-begin\0f\tbig\t1\ta.h5\0@@splash-end\0')).toThrow(/unreadable record/);
  });

  it('verifies an htar listing member by member, by size, and requires HTAR SUCCESSFUL', () => {
    const members = [file('a b.h5', 10), file('sub/c.h5', 2048)];
    const listing = [
      'HTAR: -rw-r--r--  alsdev/als           10 2026-03-01 12:00  a b.h5',
      'HTAR: -rw-r--r--  alsdev/als         2048 2026-03-01 12:00  sub/c.h5',
      'HTAR: HTAR SUCCESSFUL',
    ];
    expect(verifyBundleListing(listing, 0, members)).toEqual([]);
    expect(verifyBundleListing(listing.slice(1), 0, members)).toEqual(['a b.h5 is not in the archive']);
    expect(verifyBundleListing([listing[0] ?? '', listing[1]?.replace('2048', '2047') ?? ''], 0, members)).toEqual([
      'the listing has no HTAR SUCCESSFUL line',
      'sub/c.h5 has 2047 bytes in the archive, 2048 on disk',
    ]);
    expect(verifyBundleListing(listing, 72, members)).toEqual(['htar -tvf exited 72']);
  });

  it('reads the size from hsi ls -l by its place before the date, whatever columns come first', () => {
    const simStyle = ['-rw-r--r--    1 alsdev    als   77 2026-03-01 12:00 /x/big.h5'];
    const withCos = ['-rw-r-----    1 alsdev    als    2    DISK     77 Mar 01 2026 big.h5'];
    expect(lsSize(simStyle, 'big.h5')).toBe(77);
    expect(lsSize(withCos, 'big.h5')).toBe(77);
    expect(lsSize(simStyle, 'other.h5')).toBeUndefined();
    expect(verifyLsListing(simStyle, 0, 'big.h5', 77)).toEqual([]);
    // A 1-byte file whose copy is empty: the link count "1" must not pass for its size.
    expect(verifyLsListing(['-rw-r--r--    1 alsdev    als   0 2026-03-01 12:00 /x/one.h5'], 0, 'one.h5', 1)).toEqual(['one.h5 has 0 bytes on HPSS, 1 expected']);
    expect(verifyLsListing(simStyle, 0, 'big.h5', 70, true)).toEqual([]);
    expect(verifyLsListing(simStyle, 0, 'big.h5', 78, true)).toEqual(['big.h5 has 77 bytes on HPSS, at least 78 expected']);
    expect(verifyLsListing(['*** hpss_Lstat: No such file or directory'], 72, 'big.h5', 77)).toEqual(['hsi ls -l of big.h5 exited 72']);
  });

  it('reads the marker lines; text between list-begin and list-end is the listing', () => {
    // Tool output comes framed (a leading '|'); a line that is neither framed nor a marker is not read.
    const out = ['@@splash written b0', '@@splash manifest b0 ok', '@@splash list-begin b0', '|HTAR: x', 'banner', '@@splash list-end b0 0', '@@splash check-begin b0', '|HTAR: HTAR SUCCESSFUL', '@@splash check-end b0 0', '@@splash failed s0 hsi cput exit 72', 'noise'].join('\n');
    const r = parseArchiveOutput(out);
    expect(r.get('b0')).toEqual({ status: 'written', reason: '', listing: ['HTAR: x'], listingExit: 0, manifest: 'ok', sums: [], check: ['HTAR: HTAR SUCCESSFUL'], checkExit: 0 });
    expect(r.get('s0')?.status).toBe('failed');
    expect(r.get('s0')?.reason).toBe('hsi cput exit 72');
  });
});

describe('the tape catalog and its readers', () => {
  const dest = '/hpss/8.3.2/raw/P';
  const out = (ls: string[], tars: Record<string, string[]>, extra: string[] = []): string =>
    [
      '@@splash catalog-begin',
      '@@splash ls-begin',
      ...ls.map((l) => `|${l}`),
      '@@splash ls-end 0',
      ...Object.entries(tars).flatMap(([name, lines]) => [`@@splash tar-begin ${dest}/${name}`, ...lines.map((l) => `|${l}`), `@@splash tar-end ${dest}/${name} 0`]),
      ...extra,
      '@@splash catalog-end',
    ].join('\n');

  it('reads archives, indexes, manifests and files stored alone; the consistency file is never a member', () => {
    const sha = 'a'.repeat(128);
    const c = parseCatalog(
      out(
        [
          `${dest}:`,
          // A layout with a class-of-service column and month names, as a real hsi may print.
          '-rw-r-----    1 alsdev    als    2  DISK   10240 Mar 01 2026 P_2026-1.tar',
          '-rw-r-----    1 alsdev    als    2  DISK     512 Mar 01 2026 P_2026-1.tar.idx',
          '-rw-r-----    1 alsdev    als    2  DISK      80 Mar 01 2026 P_2026-1.tar.b2sum',
          '-rw-r-----    1 alsdev    als    2  DISK    4096 Mar 01 2026 P_2026-2.tar',
          'drwxr-x---    2 alsdev    als    2  DISK     512 Mar 01 2026 sub',
          '',
          `${dest}/sub:`,
          '-rw-r-----    1 alsdev    als    2  DISK     999 Mar 01 2026 huge.h5',
        ],
        {
          'P_2026-1.tar': [
            'HTAR: -rw-r--r--  alsdev/als          12 2026-03-01 12:00  ./a b.h5',
            'HTAR: hrw-r--r--  alsdev/als           0 2026-03-01 12:00  c.h5 link to a b.h5',
            'HTAR: lrwxrwxrwx  alsdev/als           0 2026-03-01 12:00  l -> /etc',
            'HTAR: -rw-------  alsdev/als         256 2026-03-01 12:00  /tmp/HTAR_CF_CHK_12345_1700000000',
            'HTAR: HTAR SUCCESSFUL',
          ],
        },
        ['@@splash man-begin /hpss/8.3.2/raw/P/P_2026-1.tar', `|${sha}  a b.h5`, '@@splash man-end /hpss/8.3.2/raw/P/P_2026-1.tar 0'],
      ),
      dest,
    );
    expect(c.problems).toEqual([]);
    expect(c.archives.map((a) => [a.name, a.indexed, a.bytes, a.part, a.listingProblem])).toEqual([
      ['P_2026-1.tar', true, 10240, 0, ''],
      ['P_2026-2.tar', false, 4096, 0, 'no index: the archive was never completed'],
    ]);
    expect(c.archives[0]?.members).toEqual([
      { rel: 'a b.h5', stored: './a b.h5', size: 12, type: 'file', link: undefined },
      { rel: 'c.h5', stored: 'c.h5', size: 0, type: 'hardlink', link: 'a b.h5' },
      { rel: 'l', stored: 'l', size: 0, type: 'symlink', link: '/etc' },
    ]);
    expect(c.archives[0]?.manifest?.get('a b.h5')).toBe(sha);
    expect(c.singles).toEqual([{ rel: 'sub/huge.h5', path: `${dest}/sub/huge.h5`, size: 999, modified: 'Mar 01 2026' }]);
  });

  it('a line it cannot read, a failed listing or a missing end marker is a problem, never skipped', () => {
    expect(parseCatalog(out([`${dest}:`, 'Username: alsdev UID: 123'], {}), dest).problems[0]).toMatch(/unreadable line/);
    expect(parseCatalog('@@splash catalog-begin\n@@splash ls-begin\n', dest).problems[0]).toMatch(/incomplete/);
    const missing = parseCatalog(['@@splash catalog-begin', '@@splash ls-begin', '|*** hpss_Lstat: No such file or directory [-2: HPSS_ENOENT]', '@@splash ls-end 72', '@@splash catalog-end'].join('\n'), dest);
    expect([missing.exists, missing.problems]).toEqual([false, []]);
    const failed = parseCatalog(['@@splash catalog-begin', '@@splash ls-begin', '|*** HPSS_ECONN', '@@splash ls-end 72', '@@splash catalog-end'].join('\n'), dest);
    expect(failed.problems[0]).toMatch(/hsi ls of \/hpss\/8\.3\.2\/raw\/P failed \(exit 72\)/);
  });

  it('names archives as the original did, and late files go into parts after the highest on tape', () => {
    expect(archiveNameParts('BLS-1_2026-2_part3.tar', 'BLS-1')).toEqual({ cycle: { year: 2026, cycle: 2 }, part: 3 });
    expect(archiveNameParts('BLS-1_2026-2.tar', 'BLS-1')).toEqual({ cycle: { year: 2026, cycle: 2 }, part: 0 });
    expect(archiveNameParts('data.tar', 'BLS-1')).toBeUndefined();
    const plan = planArchive([file('late.h5', 10, '2026-09-01T00:00:00Z'), file('later.h5', 995, '2026-09-02T00:00:00Z')], {
      proposal: 'BLS-1', timeZone: LA, bundleMaxBytes: 1000, upTo: { year: 2026, cycle: 2 }, partsOnTape: new Map([['2026-2', 1]]),
    });
    expect(plan.bundles.map((b) => b.name)).toEqual(['BLS-1_2026-2_part2.tar', 'BLS-1_2026-2_part3.tar']);
  });

  it('reads hsi ls times in the forms it may print them, and the hard-link records of the inventory', () => {
    const now = new Date('2026-12-06T12:00:00Z');
    expect(lsTime('2026-03-01 12:00', now)).toBe(Date.UTC(2026, 2, 1, 12, 0));
    expect(lsTime('Mar 01 2025', now)).toBe(Date.UTC(2025, 2, 1));
    expect(lsTime('Dec 24 10:00', now)).toBe(Date.UTC(2025, 11, 24, 10, 0)); // in the future this year: last year
    expect(lsTime('yesterday', now)).toBeUndefined();
    expect(parseListing('@@splash-begin\0h\t5\t1767225600\t64769:1234\ta.h5\0@@splash-end\0')).toEqual([{ kind: 'file', rel: 'a.h5', size: 5, mtimeMs: 1767225600000, type: 'f', linkKey: '64769:1234' }]);
  });
});
