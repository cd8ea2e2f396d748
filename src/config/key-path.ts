/** Key paths name a place in config.yml the way a person reads it: `beamlines.8.3.2.prune[0].after_days`. */
export type KeyPath = readonly (string | number)[];

export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? '(top level)' : out;
}

/** A map key that keeps "0" (a mapping key) and 0 (a list index) apart. */
export function pathId(path: KeyPath): string {
  return JSON.stringify(path);
}
