// Baseline for the recon overhead benchmark: a bare Node process making the same SFAPI calls the recon step
// makes before its job is accepted (status, token with a jose-signed assertion, the client list, the account,
// the two look-ups by name, the submission and its task) and nothing else: no config, no checks, no scripts.
import { randomUUID } from 'node:crypto';
import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { request } from 'undici';
import { URLSearchParams } from 'node:url';

const { SFAPI_URL: api, SFAPI_TOKEN_URL: tokenUrl, SFAPI_CLIENT_ID: id, SFAPI_PRIVATE_KEY: pem, SCRIPT: script } = process.env;
const json = async (r) => JSON.parse(await r.body.text());
await json(await request(`${api}/status/perlmutter`));
const iat = Math.floor(Date.now() / 1000);
const assertion = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer(id).setSubject(id).setAudience(tokenUrl).setIssuedAt(iat).setExpirationTime(iat + 300).setJti(randomUUID()).sign(createPrivateKey(pem));
const form = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion });
const { access_token: token } = await json(await request(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }));
const headers = { authorization: `Bearer ${token}` };
await json(await request(`${api}/account/clients`, { headers }));
const { name } = await json(await request(`${api}/account/`, { headers }));
for (const sacct of ['false', 'true']) await json(await request(`${api}/compute/jobs/perlmutter?sacct=${sacct}&cached=false&kwargs=name%3Dbaseline&kwargs=user%3D${name}`, { headers }));
const { task_id: task } = await json(await request(`${api}/compute/jobs/perlmutter`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ job: script, isPath: 'false' }).toString() }));
for (;;) {
  const t = await json(await request(`${api}/tasks/${task}`, { headers }));
  if (t.status !== 'new') break;
  await new Promise((r) => setTimeout(r, 20));
}
