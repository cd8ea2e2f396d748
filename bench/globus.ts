// API requests to move 1,000 files along one Globus route, against the simulator: this design (one task
// per route, backoff polling) vs the original system's behaviour (a flow per file: a new token, one task
// per file, task_wait every 5 s plus a get_task to log). Same simulated transfer times for both; time is
// compressed 1,000x (5 s of polling = 5 ms) so the whole thing runs in seconds. Target: ≥ 50x fewer requests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GlobusEndpoint } from '../src/endpoints.js';
import { transferDocument, TransferClient } from '../src/globus/index.js';
import { gatePath } from '../src/paths.js';
import { createTerminalContext } from '../src/run/terminal.js';
import { transferWithGlobus } from '../src/transfer/globus.js';
import { startGlobusSim } from '../test/sim/globus/index.js';

const FILES = Number(process.env.BENCH_GLOBUS_FILES ?? 1000);
/** Time compression: 5 s of the service's time pass in 5 ms here (the simulator's real copying is not compressed). */
const SCALE = 1000;
const ms = (realSeconds: number): number => (realSeconds * 1000) / SCALE;
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

const root = mkdtempSync(join(tmpdir(), 'splash-bench-globus-'));
try {
  for (const side of ['a', 'b', 'c']) mkdirSync(join(root, side), { recursive: true });
  mkdirSync(join(root, 'a/raw'));
  for (let i = 0; i < FILES; i++) writeFileSync(join(root, 'a/raw', `frame_${String(i).padStart(5, '0')}.tif`), 'x'.repeat(1024));
  // A Globus task takes ~15 s however small (scheduling, connections, checksums): that floor dominates.
  const simOpts = { minTaskMs: ms(15), bytesPerSecond: 100e6 * SCALE, maxActiveTasksPerUser: 3 };
  const rels = Array.from({ length: FILES }, (_, i) => gatePath(`raw/frame_${String(i).padStart(5, '0')}.tif`));
  const quiet = createTerminalContext({ stream: { write: () => true } as unknown as NodeJS.WritableStream, isTTY: false });
  const sleep = (m: number): Promise<void> => new Promise((r) => setTimeout(r, m / SCALE));

  // --- this design
  const ours = await startGlobusSim({ collections: { [A]: join(root, 'a'), [B]: join(root, 'b') }, ...simOpts });
  const from: GlobusEndpoint = { type: 'globus', name: 'a', root_path: '/', uuid: A, uri: undefined, display_name: undefined };
  const to: GlobusEndpoint = { type: 'globus', name: 'b', root_path: '/', uuid: B, uri: undefined, display_name: undefined };
  const client = new TransferClient({ authUrl: ours.url, transferUrl: ours.url, clientId: 'sim-client', clientSecret: 'sim-secret' });
  const t0 = performance.now();
  await transferWithGlobus(from, to, rels, {
    ctx: quiet, client, label: 'bench',
    settings: { app: undefined, authUrl: ours.url, transferUrl: ours.url, computeUrl: ours.url, waitTimeoutMinutes: 60, stuckGraceSeconds: 600, pollFirstSeconds: 2, pollMaxSeconds: 60 },
    sleep,
  });
  const oursMs = performance.now() - t0;
  const oursCount = ours.requests.length;
  await ours.close();

  // --- the original behaviour: every file its own flow
  const orig = await startGlobusSim({ collections: { [A]: join(root, 'a'), [B]: join(root, 'c') }, ...simOpts });
  const t1 = performance.now();
  for (const rel of rels) {
    const c = new TransferClient({ authUrl: orig.url, transferUrl: orig.url, clientId: 'sim-client', clientSecret: 'sim-secret' });
    const { task_id: taskId } = await c.submitTransfer(transferDocument({
      source: A, destination: B, items: [{ source_path: `/${rel}`, destination_path: `/${rel}` }], label: rel.split('/').pop() ?? 'x', syncLevel: 'checksum',
    }));
    // task_wait(timeout=5, polling_interval=5): get_task, sleep 5 s, get_task …; then one more get_task to log.
    for (;;) {
      const t = await c.getTask(taskId);
      if (t.status !== 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, ms(5)));
      const again = await c.getTask(taskId);
      if (again.status !== 'ACTIVE') break;
    }
  }
  const origMs = performance.now() - t1;
  const origCount = orig.requests.length;
  await orig.close();

  console.log(`Globus requests for ${FILES} files on one route (time compressed ${SCALE}x):`);
  console.log(`  original (task per file, 5 s polling): ${origCount} requests (${(origMs / 1000).toFixed(1)} s here)`);
  console.log(`  splash (one task per route, backoff):  ${oursCount} requests (${(oursMs / 1000).toFixed(1)} s here)`);
  const ratio = origCount / oursCount;
  console.log(`Globus requests: ratio ${ratio.toFixed(0)}x fewer (target ≥ 50x, ${ratio >= 50 ? 'within target' : 'BELOW target'})`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
