// The one secret boundary (src/secrets.ts): registered values in every form they take, and the credential
// patterns a server's echo of a request contains.
import { describe, expect, it } from 'vitest';
import { onSecret, redact, redactValue, registerRequestCredentials, registerSecret, scrubCredentials } from '../src/secrets.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('registered values', () => {
  it('are masked as they are, JSON-escaped, URL- and form-encoded, and in base64 at any alignment', () => {
    const secret = 'p@ss w/rd"9!Zq';
    registerSecret(secret);
    const forms = [
      secret,
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret),
      new URLSearchParams({ v: secret }).toString().slice(2),
      b64(secret),
      Buffer.from(secret).toString('base64url'),
      // Inside a longer encoded text at each byte alignment: Basic base64(id:secret) and friends.
      b64(`client-id:${secret}`),
      b64(`x:${secret}`),
      b64(`xy:${secret}`),
      b64(`${secret}\n`),
    ];
    for (const form of forms) {
      const out = redact(`before ${form} after`);
      // What stays visible of a shifted base64 form is at most the characters that also encode the neighbours.
      const leftover = out.replace(/^before /, '').replace(/ after$/, '').replace('***', '');
      expect(out, form).toContain('***');
      expect(leftover.length, form).toBeLessThanOrEqual(16);
      expect(out).not.toContain(secret);
    }
  });

  it('multi-line values are masked line by line; the listener hears every value, past ones first', () => {
    const key = '-----BEGIN TEST KEY-----\nAAAAline-one-of-key\nBBBBline-two-of-key\n-----END TEST KEY-----';
    const heard: string[] = [];
    registerSecret('heard-before-listener-1234');
    const off = onSecret((v) => heard.push(v));
    registerSecret(key);
    off();
    expect(heard).toContain('heard-before-listener-1234');
    expect(heard).toContain('AAAAline-one-of-key');
    expect(redact('a line: BBBBline-two-of-key.')).toBe('a line: ***.');
  });

  it('a value too short to be a credential (a placeholder like "y") is not masked in every word', () => {
    registerSecret('y');
    expect(redact('config.yml:21:69 beamlines.8.3.2.prune[0].verify')).toBe('config.yml:21:69 beamlines.8.3.2.prune[0].verify');
  });

  it('a request registers the credentials it carries', () => {
    registerRequestCredentials({ authorization: 'Bearer tok-from-request-77', accept: 'application/json' }, { username: 'u', password: 'pw-from-request-88' });
    expect(redact('echo: tok-from-request-77 and pw-from-request-88')).toBe('echo: *** and ***');
    expect(redact('user u')).toBe('user u');
  });
});

describe('credential patterns', () => {
  const cases: [string, string, string][] = [
    ['an Authorization header', 'POST /x HTTP/1.1\nauthorization: Bearer abcDEF123456789\nuser-agent: splash', 'abcDEF123456789'],
    ['a Basic header, flattened to one line', 'authorization: Basic ' + b64('cid:csecret') + ' accept: application/json', b64('cid:csecret')],
    ['a JSON field', '{"username":"ingestor","password":"hunter2-long"}', 'hunter2-long'],
    ['a JSON field quoted inside a JSON string', '{"message":"{\\"password\\":\\"s3cr3t-in-string\\"}"}', 's3cr3t-in-string'],
    ['an escaped quote inside the value', '{"password":"a\\"b-c-d-tail"}', 'b-c-d-tail'],
    ['a form body', 'grant_type=client_credentials&client_secret=form-secret-1&scope=x', 'form-secret-1'],
    ['a query string', 'GET /x?access_token=query-token-22&limit=1', 'query-token-22'],
    ['a JWT', 'bad token eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjMifQ.c2lnbmF0dXJl in request', 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjMifQ.c2lnbmF0dXJl'],
    ['a GitHub installation token', 'token ghs_0123456789abcdefghijABCDEFGHIJ rejected', 'ghs_0123456789abcdefghijABCDEFGHIJ'],
    ['user:password in a URL', 'proxy https://user:pa55word@proxy.example.org:3128 refused', 'pa55word'],
    ['a private key', 'key -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY----- end', 'MIIEowIBAAKCAQEA'],
    ['single-quoted fields', "{'password': 'py-dict-secret'}", 'py-dict-secret'],
    ['a private_key field', '{"private_key":"k3y-material-xyz"}', 'k3y-material-xyz'],
    ['an x-api-key header', 'x-api-key: sk-live-12345678', 'sk-live-12345678'],
  ];
  it.each(cases)('masks %s', (_what, text, secret) => {
    const out = scrubCredentials(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('***');
  });

  it('leaves ordinary messages alone', () => {
    const plain = [
      'config.yml:3:5 scicat.password: expected a string, got 12',
      'getting an installation token for als-computing/splash-flows-ts',
      'Globus Auth rejected the client credentials: check the Globus client id and secret',
      'basic troubleshooting: run splash config check',
      'Bearer token missing',
      'a run_token=5 file',
      'server:raw/a.h5 already exists with a different size (8 bytes, source 7); not overwritten',
    ];
    for (const line of plain) expect(redact(line)).toBe(line);
  });

  it('is stable: masking masked text changes nothing', () => {
    const once = scrubCredentials('authorization: Bearer abcDEF123456789 user-agent: x, "password": "p1234567"');
    expect(scrubCredentials(once)).toBe(once);
    expect(once).toBe('authorization: *** user-agent: x, "password": "***"');
  });

  it('a parsed body: values under credential keys and credentials inside strings', () => {
    const body = { error: 'invalid_client', request: { headers: { Authorization: 'Basic Zm9vOmJhcg==' }, body: 'client_secret=shh-1234&x=1' }, n: 3 };
    expect(redactValue(body)).toEqual({ error: 'invalid_client', request: { headers: { Authorization: '***' }, body: 'client_secret=***&x=1' }, n: 3 });
  });
});
