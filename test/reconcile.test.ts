// `splash reconcile`: files on the beamline that never reached the server are found and dispatched again
// (the bundled CLI against the GitHub simulator), and a real move of what it dispatched closes the loop.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, dist, runNode, snapshotTree, writeFileAt } from './helpers.js';
import { makeGitHubFacility, TOKEN_ENV } from './sim/github/facility.js';
import { startGitHubSim, type GitHubSim } from './sim/github/index.js';

const sims: GitHubSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

const splash = (args: string[], env: NodeJS.ProcessEnv = TOKEN_ENV) => runNode(dist('cli'), args, { env });
const old = new Date(Date.now() - DAY);

async function facility(opts: { guardedFirstHop?: boolean; watch?: string[] } = {}) {
  const sim = await startGitHubSim();
  sims.push(sim);
  const f = await makeGitHubFacility({ apiUrl: sim.url, ...opts });
  const at = (side: string, rel: string, content: string, young = false) => writeFileAt(join(f.root, side, rel), content, young ? undefined : old);
  await at('beamline', 'raw/p1/arrived.h5', 'AAAA');
  await at('server', 'raw/p1/arrived.h5', 'AAAA');
  await at('beamline', 'raw/p1/never_dispatched.h5', 'BBBB');
  await at('beamline', 'raw/p2/cut_short.h5', 'CCCCCCCC');
  await at('server', 'raw/p2/cut_short.h5', 'CCC');
  await at('beamline', 'raw/p2/just_written.h5', 'DDDD', true); // young: may still be on its way
  await at('beamline', 'raw/p2/.partial_copy.h5', 'E');
  await at('beamline', 'raw/p2/notes.tmp', 'F');
  return { sim, f };
}

describe('splash reconcile', () => {
  it('dispatches again what never reached the server (missing or a different size), with a summary', async () => {
    const { sim, f } = await facility();
    const r = await splash(['reconcile', '--beamline', '8.3.2', '--config', f.config, '--older-than', '1h']);
    expect(r.stderr).toMatch(/beamline → server: 4 data file\(s\) on beamline; 1 younger than 1 h \(not judged\); 1 at server; 2 not there/);
    expect(r.stderr).toMatch(/missing: raw\/p1\/never_dispatched\.h5/);
    expect(r.stderr).toMatch(/size differs: raw\/p2\/cut_short\.h5/);
    expect(r.stderr).toMatch(/RECONCILE 8\.3\.2/i);
    expect(r.code).toBe(0);
    expect(sim.dispatches).toEqual([
      expect.objectContaining({
        event_type: 'new_file_832',
        client_payload: { file_paths: ['/global/raw/p1/never_dispatched.h5', '/global/raw/p2/cut_short.h5'], is_export_control: false },
      }),
    ]);
  });

  it('closes the loop: the file that never reached the server is moved from what reconcile dispatched, and the next reconcile finds nothing', async () => {
    const { sim, f } = await facility();
    await writeFile(join(f.root, 'server/raw/p2/cut_short.h5'), 'CCCCCCCC'); // only the never-dispatched one is left
    const r = await splash(['reconcile', '-b', '8.3.2', '-c', f.config, '--older-than', '1h']);
    expect(r.code).toBe(0);
    const paths = sim.dispatchedPaths();
    expect(paths).toEqual(['/global/raw/p1/never_dispatched.h5']);
    // What the dispatch workflow then does on the facility runner: move the dispatched paths.
    const move = await splash(['move', '-b', '8.3.2', '-c', f.config, '--file-paths', JSON.stringify(paths)]);
    expect(move.code).toBe(0);
    expect(readFileSync(join(f.root, 'server/raw/p1/never_dispatched.h5'), 'utf8')).toBe('BBBB');
    const again = await splash(['reconcile', '-b', '8.3.2', '-c', f.config, '--older-than', '1h']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/3 at server; 0 not there/);
    expect(sim.dispatches).toHaveLength(1);
  });

  it('--dry-run lists and sends nothing, and needs no token', async () => {
    const { sim, f } = await facility();
    const before = snapshotTree(f.root);
    const r = await splash(['reconcile', '-b', '8.3.2', '-c', f.config, '--older-than', '1h', '--dry-run'], {});
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/dry run: would dispatch 2 file\(s\); nothing sent/);
    expect(sim.requests).toHaveLength(0);
    expect(snapshotTree(f.root)).toEqual(before);
  });

  it('--older-than decides what is judged; watch patterns narrow what counts as data', async () => {
    const { sim, f } = await facility({ watch: ['patterns: ["never_*"]'] });
    const r = await splash(['reconcile', '-b', '8.3.2', '-c', f.config, '--older-than', '2d']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 data file\(s\) on beamline; 1 younger than 2 d/);
    expect(sim.requests).toHaveLength(0);
    const r2 = await splash(['reconcile', '-b', '8.3.2', '-c', f.config, '--older-than', '1h']);
    expect(r2.code).toBe(0);
    expect(sim.dispatchedPaths()).toEqual(['/global/raw/p1/never_dispatched.h5']);
  });

  it('a beamline with export-control hops: the flag must be given; as export controlled, files missing from a skipped first hop are not sent', async () => {
    const { sim, f } = await facility({ guardedFirstHop: true });
    const r = await splash(['reconcile', '-b', '8.3.2', '-c', f.config, '--older-than', '1h']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/whether these 2 file\(s\) are export controlled is not known/);
    expect(r.stderr).toMatch(/--export-control/);
    expect(sim.requests).toHaveLength(0);
    // As export controlled they would skip the very hop they are missing from: nothing is sent (it would
    // move nothing, and every later reconcile would send them again), and the log says what to decide.
    const ok = await splash(['reconcile', '-b', '8.3.2', '-c', f.config, '--older-than', '1h', '--export-control']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/not dispatched: 2 file\(s\) are not at server, but beamline → server is skipped for export-controlled data/);
    expect(sim.requests).toHaveLength(0);
    const checked = await splash(['reconcile', '-b', '8.3.2', '-c', f.config, '--older-than', '1h', '--not-export-controlled']);
    expect(checked.code).toBe(0);
    expect(sim.dispatches[0]?.client_payload.is_export_control).toBe(false);
    const both = await splash(['reconcile', '-b', '8.3.2', '-c', f.config, '--export-control', '--not-export-controlled']);
    expect(both.code).toBe(2);
  });

  it('GitHub failing: exit 1 naming what was not dispatched', async () => {
    const { sim, f } = await facility();
    sim.inject({ kind: 'status', status: 500 }, 10);
    const r = await splash(['reconcile', '-b', '8.3.2', '-c', f.config, '--older-than', '1h']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/GitHub answered 500.*nothing was dispatched; 2 path\(s\) were not/);
  });

  it('a Globus end without Globus credentials in the config is exit 2 naming the fix; bad arguments exit 2', async () => {
    const { f } = await facility();
    const text = readFileSync(f.config, 'utf8').replace(
      /beamline: \{ type: filesystem, root_path: ([^ ]+) \}/,
      'beamline: { type: globus, root_path: /, uuid: 44ae904c-ab64-4145-a8f0-7287de38324d }',
    );
    await writeFile(f.config, text);
    const r = await splash(['reconcile', '-b', '8.3.2', '-c', f.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no globus\.globus_apps\n {2}hint: add globus: \{ globus_apps:/);
    expect((await splash(['reconcile', '-c', f.config])).code).toBe(2);
    expect((await splash(['reconcile', '-b', '8.3.2', '-c', f.config, '--older-than', 'soon'])).stderr).toMatch(/expected a duration/);
    expect((await splash(['reconcile', '--help'])).stdout).toContain('Usage: splash reconcile');
  });
});
