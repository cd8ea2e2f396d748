/**
 * The SFAPI client's credentials: the Iris client id and its RSA private key. NERSC hands the key out as a
 * PEM file (sfapi_client's text file puts the client id on the first line, then the PEM), and the original
 * splash_flows keeps it as a JWK JSON; both are read here, from a file or an environment variable, and
 * parsed by Node's crypto (no hand-rolled key parsing). Every form of the key is registered with the mask
 * the moment it is read.
 */
import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { configError } from '../errors.js';
import { registerSecret } from '../secrets.js';
import { isRecord } from '../is-record.js';

export interface SfapiCredentials {
  /** Trimmed: a trailing newline from a file would end up in the assertion's iss/sub. */
  readonly clientId: string;
  readonly key: KeyObject;
  /** How the key was written, for messages. */
  readonly format: 'PEM' | 'JWK';
}

export interface KeySource {
  /** The key's text as read (a PEM, a JWK JSON, sfapi_client's text or JSON key file). */
  readonly text: string;
  /** Where it came from, for messages: `sfapi.private_key_path (/run/secrets/sfapi.pem)`. */
  readonly where: string;
  /** The client id from config, if given; else the key file must carry it. */
  readonly clientId: string | undefined;
  readonly clientIdWhere: string;
}

/** Iris issues 13-character client ids; sfapi_client checks the same. */
const CLIENT_ID = /^[A-Za-z0-9]{13}$/;
const PRIVATE_JWK_FIELDS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

function registerJwk(jwk: Record<string, unknown>): void {
  for (const f of PRIVATE_JWK_FIELDS) if (typeof jwk[f] === 'string') registerSecret(jwk[f]);
}


/** The key and, where the file carries one, the client id it names. */
function parseKeyText(text: string, where: string): { key: KeyObject; format: 'PEM' | 'JWK'; fileClientId: string | undefined } {
  const trimmed = text.trim();
  const fix = `put the SFAPI client's private key there: the PEM file Iris gave you, or the key as a JWK (docs/recon.md)`;
  if (trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch {
      throw configError(`${where}: looks like JSON but does not parse`, fix);
    }
    if (!isRecord(doc)) throw configError(`${where}: expected a JWK object or {"client_id", "secret"}`, fix);
    // sfapi_client's JSON key file: {"client_id": …, "secret": <PEM or JWK>}.
    if ('secret' in doc) {
      const inner = typeof doc.secret === 'string' ? doc.secret : JSON.stringify(doc.secret);
      registerSecret(inner);
      const parsed = parseKeyText(inner, where);
      return { ...parsed, fileClientId: typeof doc.client_id === 'string' ? doc.client_id.trim() : undefined };
    }
    registerJwk(doc);
    if (doc.kty !== 'RSA' || typeof doc.d !== 'string') throw configError(`${where}: the JWK is not an RSA private key (kty RSA with d)`, fix);
    try {
      return { key: createPrivateKey({ key: doc as JsonWebKey, format: 'jwk' }), format: 'JWK', fileClientId: undefined };
    } catch (err) {
      throw configError(`${where}: the JWK is not a usable RSA private key (${err instanceof Error ? err.message : String(err)})`, fix);
    }
  }
  const begin = trimmed.indexOf('-----BEGIN');
  if (begin === -1) throw configError(`${where}: neither a PEM private key nor a JWK`, fix);
  // sfapi_client's text key file: the client id on the first line, then the PEM.
  const before = trimmed.slice(0, begin).trim();
  const pem = trimmed.slice(begin);
  if (/-----BEGIN (RSA |ENCRYPTED )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----/.test(pem)) {
    throw configError(`${where}: holds a public key or certificate, not the private key`, fix);
  }
  try {
    return { key: createPrivateKey({ key: pem, format: 'pem' }), format: 'PEM', fileClientId: before === '' ? undefined : before };
  } catch (err) {
    throw configError(`${where}: the PEM is not a usable private key (${err instanceof Error ? err.message.replace(/\s+/g, ' ') : String(err)})`, fix);
  }
}

/** Read and check the credentials; config errors name the setting and the fix. */
export function readCredentials(src: KeySource): SfapiCredentials {
  registerSecret(src.text);
  const { key, format, fileClientId } = parseKeyText(src.text, src.where);
  if (key.asymmetricKeyType !== 'rsa') {
    throw configError(`${src.where}: the key is ${key.asymmetricKeyType ?? 'not asymmetric'}, but the SFAPI signs with RS256 (an RSA key)`, 'use the RSA key Iris issued for the client');
  }
  const configured = src.clientId?.trim();
  if (configured !== undefined && configured !== '' && fileClientId !== undefined && fileClientId !== configured) {
    throw configError(
      `${src.clientIdWhere} is ${JSON.stringify(configured)} but the key file ${src.where} is for client ${JSON.stringify(fileClientId)}`,
      'use the client id and key of the same Iris client (a rotated key comes with a new client id)',
    );
  }
  const clientId = configured !== undefined && configured !== '' ? configured : fileClientId;
  if (clientId === undefined) {
    throw configError(`${src.clientIdWhere}: no SFAPI client id (and the key file does not name one)`, 'set sfapi.client_id to the 13-character id Iris shows for the client, e.g. ${SFAPI_CLIENT_ID}');
  }
  if (!CLIENT_ID.test(clientId)) {
    throw configError(
      `${src.clientIdWhere}: expected the 13-character client id Iris shows (letters and digits), got ${clientId.length} character(s)`,
      'copy the client id from the Iris page of the SFAPI client (not its name or the key)',
    );
  }
  return { clientId, key, format };
}
