import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { SweepLocator } from '../paths.js';
import { type DirPlan, planDirectory, type SweepSpec } from './sweep-plan.js';

/** The merged plan of a whole tree. */
export interface TreePlan {
  files: number;
  /** Worker threads the plan used (0: planned on the main thread). */
  workers: number;
  kept: DirPlan['kept'];
  candidates: DirPlan['candidates'];
  unsafe: DirPlan['unsafe'];
  youngDirs: DirPlan['youngDirs'];
}

/** Below this many entries a sweep stays on the main thread: starting workers would cost more than it saves. */
const PARALLEL_AFTER_ENTRIES = 5_000;
const MAX_WORKERS = 4;
const IN_FLIGHT_PER_WORKER = 2;
const WORKER_TAG = 'splash-prune-plan';

type ToWorker = { kind: 'dir'; dir: string } | { kind: 'finish' };
/** Per folder only its sub-folders travel back (to be handed out); the items stay in the worker until the end. */
type FromWorker = { kind: 'subdirs'; subdirs: string[] } | { kind: 'result'; plan: DirPlan };

/**
 * Plan a sweep over the tree below `spec.root`, directory by directory. The per-file work is a couple of
 * lstat calls, so a big tree is CPU-bound in Node's per-call overhead; past PARALLEL_AFTER_ENTRIES the
 * remaining directories are handed out one at a time to worker threads (one per core, at most 4).
 *
 * The worker is this very module, started again with a tag in workerData (see the bottom of the file): no
 * separate bundle entry, and the bundled chunk finds itself through import.meta.url. When the module is
 * not runnable as a worker (TypeScript source under the test runner) the sweep simply stays sequential.
 */
export async function planTree(spec: SweepSpec): Promise<TreePlan> {
  const tree: TreePlan = { files: 0, workers: 0, kept: [], candidates: [], unsafe: [], youngDirs: [] };
  const merge = (p: DirPlan): void => {
    tree.files += p.files;
    // push(...x) would overflow the stack for huge directories.
    for (const k of p.kept) tree.kept.push(k);
    for (const c of p.candidates) tree.candidates.push(c);
    for (const u of p.unsafe) tree.unsafe.push(u);
    for (const d of p.youngDirs) tree.youngDirs.push(d);
  };
  const locator = new SweepLocator(spec.checkRoot);
  // A stack of folders still to plan (never spread into a call: a folder may hold 100,000s of sub-folders).
  const queue: string[] = [''];
  let entries = 0;
  while (queue.length > 0 && (entries < PARALLEL_AFTER_ENTRIES || !canRunWorkers())) {
    const dir = queue.pop() ?? '';
    const plan = planDirectory(spec, locator, dir);
    entries += plan.files + plan.subdirs.length + plan.unsafe.length;
    merge(plan);
    for (let i = plan.subdirs.length - 1; i >= 0; i--) queue.push(plan.subdirs[i] ?? '');
  }
  if (queue.length > 0) tree.workers = await planWithWorkers(spec, queue, merge);
  // Workers finish in any order; a sorted plan keeps reports and deletions deterministic.
  tree.kept.sort(byRel);
  tree.candidates.sort(byRel);
  tree.unsafe.sort(byRel);
  return tree;
}

const byRel = (a: { rel: string }, b: { rel: string }): number => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0);

function canRunWorkers(): boolean {
  return import.meta.url.endsWith('.js') && availableParallelism() > 1;
}

async function planWithWorkers(spec: SweepSpec, queue: string[], merge: (p: DirPlan) => void): Promise<number> {
  const count = Math.min(MAX_WORKERS, availableParallelism());
  const workers: Worker[] = [];
  /** Folders sent to each worker and not yet answered. Two in flight keep a worker busy across round trips. */
  const inFlight = new Map<Worker, number>();
  let busy = 0;
  let finishing = false;
  let results = 0;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      reject(err);
    };
    const feed = (): void => {
      for (let round = 0; round < IN_FLIGHT_PER_WORKER; round++) {
        for (const w of workers) {
          if ((inFlight.get(w) ?? 0) > round) continue;
          const dir = queue.pop();
          if (dir === undefined) break;
          inFlight.set(w, (inFlight.get(w) ?? 0) + 1);
          busy++;
          w.postMessage({ kind: 'dir', dir } satisfies ToWorker);
        }
      }
      if (busy === 0 && queue.length === 0 && !finishing) {
        finishing = true;
        for (const w of workers) w.postMessage({ kind: 'finish' } satisfies ToWorker);
      }
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(new URL(import.meta.url), { workerData: { tag: WORKER_TAG, spec } });
      workers.push(w);
      w.on('message', (msg: FromWorker) => {
        if (msg.kind === 'result') {
          merge(msg.plan);
          if (++results === workers.length && !settled) {
            settled = true;
            resolve();
          }
          return;
        }
        busy--;
        inFlight.set(w, (inFlight.get(w) ?? 1) - 1);
        for (let j = msg.subdirs.length - 1; j >= 0; j--) queue.push(msg.subdirs[j] ?? '');
        feed();
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (code !== 0) fail(new Error(`prune planning worker exited with code ${code}`));
      });
    }
    feed();
  });
  return count;
}

// Worker side: plan each folder the main thread sends; report its sub-folders at once and everything
// else in one message at the end (one large message is far cheaper than one per folder).
if (!isMainThread && parentPort && (workerData as { tag?: unknown } | null)?.tag === WORKER_TAG) {
  const port = parentPort;
  const spec = (workerData as { spec: SweepSpec }).spec;
  const locator = new SweepLocator(spec.checkRoot);
  const all: DirPlan = { files: 0, kept: [], candidates: [], unsafe: [], subdirs: [], youngDirs: [] };
  port.on('message', (msg: ToWorker) => {
    if (msg.kind === 'finish') {
      port.postMessage({ kind: 'result', plan: all } satisfies FromWorker);
      port.close();
      return;
    }
    const plan = planDirectory(spec, locator, msg.dir);
    all.files += plan.files;
    for (const k of plan.kept) all.kept.push(k);
    for (const c of plan.candidates) all.candidates.push(c);
    for (const u of plan.unsafe) all.unsafe.push(u);
    for (const d of plan.youngDirs) all.youngDirs.push(d);
    port.postMessage({ kind: 'subdirs', subdirs: plan.subdirs } satisfies FromWorker);
  });
}
