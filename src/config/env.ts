/**
 * `${VAR}` expansion. Config names the environment variable that holds a secret; the value arrives at run
 * time. Credentials may be absent when the file loads (a prune job has no use for the Globus secret), so
 * those stay deferred as `MissingEnv` and fail only when a step asks for them. Anything else that names an
 * unset variable is a load error: a root_path built from nothing must never reach a copy or a delete.
 */
import { configError } from '../errors.js';
import { registerSecret } from '../secrets.js';
import { formatKeyPath, type KeyPath } from './key-path.js';

/** A credential string whose `${VAR}` was not set at load time. Resolving it (resolveEnv) throws. */
export class MissingEnv {
  readonly variables: readonly string[];
  /** Dotted key path, e.g. `globus.globus_apps.als_transfer.client_secret`. */
  readonly keyPath: string;
  /** `config.yml:31:18`, so the error at use time points at the line to fix. */
  readonly location: string;
  /** The value as written (`${GLOBUS_CLIENT_SECRET}`); holds no secret, since the variable was unset. */
  readonly raw: string;

  constructor(variables: readonly string[], keyPath: string, location: string, raw: string) {
    this.variables = Object.freeze([...variables]);
    this.keyPath = keyPath;
    this.location = location;
    this.raw = raw;
  }

  /** Error messages print `got "${VAR}"`, never the object's fields. */
  toJSON(): string {
    return this.raw;
  }
}

export type EnvString = string | MissingEnv;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Keys whose value may stay unresolved until a step uses it (matched on the last key, any case). */
const CREDENTIAL_KEY = /(^|_)(password|passwd|token|secret|username|user|client_id|api_key|apikey|private_key|key_path|credentials?)$/i;

export function isCredentialPath(path: KeyPath): boolean {
  const last = path.at(-1);
  return typeof last === 'string' && CREDENTIAL_KEY.test(last);
}

/** Of the credentials, those whose value is itself secret (a username or client id is not): masked from load on. */
const SECRET_KEY = /(^|_)(password|passwd|token|secret|api_key|apikey|private_key|credentials?)$/i;

/** A value at or anywhere below a secret key (`client_secret: [ "${X}" ]` is a mistake, and still a secret). */
export function isSecretPath(path: KeyPath): boolean {
  return path.some((key) => typeof key === 'string' && SECRET_KEY.test(key));
}

export type Expansion =
  | { readonly kind: 'ok'; readonly value: string }
  | { readonly kind: 'missing'; readonly variables: readonly string[] }
  | { readonly kind: 'invalid'; readonly reference: string };

/**
 * Expand every `${NAME}`; `$${` is a literal `${`. An empty variable counts as unset: GitHub expands an
 * undefined secret (`${{ secrets.X }}`) to "", and an empty credential or path is never what was meant.
 * A malformed reference (`${A B}`, unclosed `${`) is an error rather than literal text, so a typo cannot
 * silently become a password or a folder name.
 */
export function expandString(text: string, env: NodeJS.ProcessEnv): Expansion {
  let out = '';
  const missing: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (text.startsWith('${', i)) {
      const end = text.indexOf('}', i + 2);
      const name = end < 0 ? undefined : text.slice(i + 2, end);
      if (name === undefined || !NAME.test(name)) {
        return { kind: 'invalid', reference: end < 0 ? text.slice(i) : text.slice(i, end + 1) };
      }
      const value = env[name];
      if (value === undefined || value === '') {
        if (!missing.includes(name)) missing.push(name);
      } else {
        out += value;
      }
      i = end + 1;
      continue;
    }
    out += text.charAt(i);
    i += 1;
  }
  return missing.length > 0 ? { kind: 'missing', variables: missing } : { kind: 'ok', value: out };
}

export function describeVariables(variables: readonly string[]): string {
  return variables.length === 1
    ? `environment variable ${variables.join('')}`
    : `environment variables ${variables.join(', ')}`;
}

function envHint(variables: readonly string[]): string {
  const first = variables[0] ?? 'NAME';
  return (
    `set ${variables.join(', ')} in the step's environment ` +
    `(in a workflow: env: { ${first}: \${{ secrets.${first} }} })`
  );
}

/**
 * Resolve a possibly-deferred value at the moment a step needs it. Secrets are registered with the process's
 * mask (src/secrets.ts) and handed to `mask` before they are returned, so no later output can show them.
 */
export function resolveEnv(value: EnvString, opts: { secret: boolean; mask: (s: string) => void }): string {
  if (value instanceof MissingEnv) {
    const verb = value.variables.length === 1 ? 'is' : 'are';
    throw configError(
      `${value.location} ${value.keyPath}: ${describeVariables(value.variables)} ${verb} not set`,
      envHint(value.variables),
    );
  }
  if (opts.secret && value !== '') {
    registerSecret(value);
    opts.mask(value);
  }
  return value;
}

/** What env expansion reports for one string; load.ts turns it into a positioned issue. */
export interface EnvProblem {
  readonly path: KeyPath;
  readonly text: string;
}

/**
 * Expand every string in a plain data tree (from yaml-tree.ts). Credentials with unset variables become
 * MissingEnv; every other problem is returned, so all of them are reported together.
 */
export function expandTree(
  data: unknown,
  env: NodeJS.ProcessEnv,
  locate: (path: KeyPath) => string,
): { readonly data: unknown; readonly problems: readonly EnvProblem[]; readonly secrets: ReadonlySet<string> } {
  const problems: EnvProblem[] = [];
  // Credential values that came from the environment: never to be echoed in a load error.
  const secrets = new Set<string>();
  const walk = (value: unknown, path: KeyPath): unknown => {
    if (typeof value === 'string') {
      const result = expandString(value, env);
      switch (result.kind) {
        case 'ok':
          if (isCredentialPath(path) && result.value !== value) secrets.add(result.value);
          // A secret exists in this process from here on: mask it in every output from now, not from first use.
          if (isSecretPath(path)) registerSecret(result.value);
          return result.value;
        case 'invalid':
          problems.push({
            path,
            text:
              `expected \${NAME} references with NAME of letters, digits and _ (write $\${ for a literal \${), ` +
              `got ${JSON.stringify(value)}`,
          });
          return value;
        case 'missing':
          if (isCredentialPath(path)) return new MissingEnv(result.variables, formatKeyPath(path), locate(path), value);
          problems.push({
            path,
            text: `expected ${describeVariables(result.variables)} to be set, got ${JSON.stringify(value)}`,
          });
          return value;
      }
    }
    if (Array.isArray(value)) return value.map((item: unknown, index) => walk(item, [...path, index]));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = walk(item, [...path, key]);
      return out;
    }
    return value;
  };
  return { data: walk(data, []), problems, secrets };
}
