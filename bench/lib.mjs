// Shared bench helpers: time commands in separate processes, interleaved, and report medians.
import { spawnSync } from 'node:child_process';

export function timeOnce(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30, ...opts });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (opts.expectCode !== undefined ? r.status !== opts.expectCode : r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr?.toString().slice(0, 500)}`);
  }
  return s;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const fmt = (s) => (s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`);

export function report(name, ours, base, baseName, target) {
  const ratio = ours / base;
  const verdict = ratio <= target ? 'within target' : 'OVER target';
  console.log(`${name}: splash ${fmt(ours)} vs ${baseName} ${fmt(base)} → ratio ${ratio.toFixed(2)}x (target ≤ ${target}x, ${verdict})`);
  return ratio;
}

/**
 * Time each contender `runs` times, interleaved, with `before()` (clean-up) ahead of every run; the order
 * rotates each round so no contender always pays for the one before it. Returns the samples per name.
 */
export function sampleRotating(contenders, runs, before) {
  const names = Object.keys(contenders);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length];
      before();
      samples[name].push(contenders[name]());
    }
  }
  return samples;
}
