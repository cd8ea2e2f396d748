import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { SweepLocator } from '../paths.js';
import { type DirPlan, planDirectory, type SweepSpec } from './sweep-plan.js';

/** The merged plan of a whole tree. */
export interface TreePlan {
  files: number;
  kept: DirPlan['kept'];
  candidates: DirPlan['candidates'];
  unsafe: DirPlan['unsafe'];
}

/** Below this many entries a sweep stays on the main thread: starting workers would cost more than it saves. */
const PARALLEL_AFTER_ENTRIES = 5_000;
const MAX_WORKERS = 4;
const WORKER_TAG = 'splash-prune-plan';

type ToWorker = { dir: string } | { done: true };
type FromWorker = { dir: string; plan: DirPlan };

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
  const tree: TreePlan = { files: 0, kept: [], candidates: [], unsafe: [] };
  const merge = (p: DirPlan): void => {
    tree.files += p.files;
    // push(...x) would overflow the stack for huge directories.
    for (const k of p.kept) tree.kept.push(k);
    for (const c of p.candidates) tree.candidates.push(c);
    for (const u of p.unsafe) tree.unsafe.push(u);
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
  if (queue.length > 0) await planWithWorkers(spec, queue, merge);
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

async function planWithWorkers(spec: SweepSpec, queue: string[], merge: (p: DirPlan) => void): Promise<void> {
  const count = Math.min(MAX_WORKERS, availableParallelism());
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  let busy = 0;
  let settled = false;
  await new Promise<void>((resolve, reject) => {
    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      for (const w of workers) w.postMessage({ done: true } satisfies ToWorker);
      if (err) reject(err);
      else resolve();
    };
    // Directories go to whichever worker is idle, one at a time, so one huge folder cannot starve the rest.
    const feedIdle = (): void => {
      for (let w = idle.pop(); w !== undefined; w = idle.pop()) {
        const dir = queue.pop();
        if (dir === undefined) {
          idle.push(w);
          break;
        }
        busy++;
        w.postMessage({ dir } satisfies ToWorker);
      }
      if (busy === 0 && queue.length === 0) settle();
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(new URL(import.meta.url), { workerData: { tag: WORKER_TAG, spec } });
      workers.push(w);
      idle.push(w);
      w.on('message', (msg: FromWorker) => {
        busy--;
        merge(msg.plan);
        for (const d of msg.plan.subdirs) queue.push(d);
        idle.push(w);
        feedIdle();
      });
      w.on('error', (err) => { settle(err); });
      w.on('exit', (code) => { if (code !== 0) settle(new Error(`prune planning worker exited with code ${code}`)); });
    }
    feedIdle();
  });
}

// Worker side: plan each directory the main thread sends, reply with the plan.
if (!isMainThread && parentPort && (workerData as { tag?: unknown } | null)?.tag === WORKER_TAG) {
  const port = parentPort;
  const spec = (workerData as { spec: SweepSpec }).spec;
  const locator = new SweepLocator(spec.checkRoot);
  port.on('message', (msg: ToWorker) => {
    if ('done' in msg) {
      port.close();
      return;
    }
    port.postMessage({ dir: msg.dir, plan: planDirectory(spec, locator, msg.dir) } satisfies FromWorker);
  });
}
