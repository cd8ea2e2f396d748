/**
 * GitHub App authentication without a dependency: an RS256 JWT signed with node:crypto identifies the App,
 * and is exchanged for an installation token (valid one hour) that sends the dispatches. A token-only setup
 * (`GITHUB_TOKEN`, a fine-grained PAT) needs none of this.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { configError } from '../errors.js';

export type Credentials =
  | { readonly kind: 'token'; readonly token: string }
  | {
      readonly kind: 'app';
      /** Client ID (Iv23…) or numeric App ID: both are accepted as the JWT issuer. */
      readonly clientId: string;
      /** PEM, PKCS#1 (`BEGIN RSA PRIVATE KEY`, what GitHub hands out) or PKCS#8. */
      readonly privateKey: string;
      readonly installationId?: number | undefined;
    };

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** Parse the App's private key; a key pasted into a one-line secret with literal `\n` is repaired. */
export function appPrivateKey(pem: string, field = 'github.app.private_key'): KeyObject {
  const text = !pem.includes('\n') && pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch {
    // The message of createPrivateKey may quote the input; never echo a key.
    throw configError(`${field}: not a PEM private key`, 'use the .pem file GitHub generated for the App (Settings → Developer settings → GitHub Apps → Private keys)');
  }
  if (key.asymmetricKeyType !== 'rsa') throw configError(`${field}: expected an RSA key (GitHub Apps sign with RS256), got ${key.asymmetricKeyType ?? 'another kind'}`);
  return key;
}

/**
 * The App's JWT. `iat` 60 s in the past allows for clock drift, as GitHub recommends; 9 minutes of life
 * stays under GitHub's 10-minute maximum even with that drift.
 */
export function appJwt(clientId: string, key: KeyObject, nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iat: now - 60, exp: now + 540, iss: clientId }));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key);
  return `${header}.${payload}.${base64url(signature)}`;
}
