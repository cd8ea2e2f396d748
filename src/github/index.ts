/** GitHub: repository_dispatch from the beamline side (dispatch, watch, reconcile). */
import { readFileSync } from 'node:fs';
import { resolveEnv, type SplashConfig } from '../config/index.js';
import type { GitHubSettings } from '../config/index.js';
import { configError } from '../errors.js';
import type { Credentials } from './auth.js';
import { GitHubClient } from './client.js';
import type { RetryPolicy } from './retry.js';

export { GitHubClient } from './client.js';
export { GitHubError } from './errors.js';
export { planDispatches, MAX_BODY_BYTES, type DispatchBody } from './payload.js';
export { backoffMs, dispatchWithRetry, waitAfter, type Backoff, type RetryPolicy } from './retry.js';

/** The `github:` section, or a config error that says what to add. */
export function githubSettings(config: SplashConfig): GitHubSettings {
  if (!config.github) {
    throw configError(
      `${config.source} has no github: section`,
      'add one naming the repository that runs the dispatch workflow, e.g. github: { repository: als-computing/splash-flows-ts } (docs/watcher.md)',
    );
  }
  return config.github;
}

/**
 * Resolve the credentials (token from the environment, or the App's) at the moment they are needed. All
 * failures are config errors: exit 2, nothing sent. Secret values are registered with `mask` first.
 */
export function githubCredentials(settings: GitHubSettings, opts: { env?: NodeJS.ProcessEnv; mask: (s: string) => void }): Credentials {
  const env = opts.env ?? process.env;
  const app = settings.app;
  if (app) {
    const clientId = resolveEnv(app.client_id, { secret: false, mask: opts.mask });
    let privateKey: string;
    if (app.private_key !== undefined) {
      privateKey = resolveEnv(app.private_key, { secret: true, mask: opts.mask });
    } else if (app.private_key_path !== undefined) {
      const file = resolveEnv(app.private_key_path, { secret: false, mask: opts.mask });
      try {
        privateKey = readFileSync(file, 'utf8');
      } catch (err) {
        const code = err instanceof Error && 'code' in err ? String(err.code) : 'error';
        throw configError(`github.app.private_key_path: cannot read ${file} (${code})`, 'point it at the App\'s .pem file, readable by this user');
      }
      opts.mask(privateKey);
    } else {
      throw configError('github.app: expected private_key or private_key_path');
    }
    return { kind: 'app', clientId, privateKey, installationId: app.installation_id };
  }
  const token = env[settings.tokenEnv] ?? '';
  if (token.trim() === '') {
    throw configError(
      `environment variable ${settings.tokenEnv} is not set: it holds the token that sends repository_dispatch events to ${settings.repository}`,
      `set ${settings.tokenEnv} to a token with contents: write on ${settings.repository} (a fine-grained PAT, or GITHUB_TOKEN in a workflow), or configure github.app`,
    );
  }
  opts.mask(token);
  return { kind: 'token', token: token.trim() };
}

export function githubClient(settings: GitHubSettings, credentials: Credentials, userAgent?: string): GitHubClient {
  return new GitHubClient({
    apiUrl: settings.apiUrl,
    owner: settings.owner,
    repo: settings.repo,
    credentials,
    timeoutMs: settings.timeoutSeconds * 1000,
    userAgent,
  });
}

/** The retry policy of the one-shot senders, from config. */
export function retryPolicy(settings: GitHubSettings, extra: Partial<RetryPolicy> = {}): RetryPolicy {
  const maxMs = settings.retryMaxSeconds * 1000;
  return { firstMs: settings.retryFirstSeconds * 1000, maxMs, maxRetries: settings.maxRetries, maxWaitMs: maxMs, ...extra };
}
