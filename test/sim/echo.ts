/**
 * A hostile middle for the secret tests: an HTTP proxy in front of a simulator (Globus, SciCat, GitHub) whose
 * error answers echo the whole request — request line, every header (Authorization first, so no length cut
 * hides it), the body — the way a misconfigured gateway or a debugging backend does. It also records every
 * credential that crossed it in either direction: Authorization headers (and what a Basic one decodes to),
 * credential fields of request bodies, and the tokens the simulators issued. Those are what must never reach
 * an output.
 *
 * Two ways to get an echo: `echo(rule)` answers matching requests itself with an error (4xx or 5xx), and
 * every error the simulator behind it gives is rewritten to carry the echo too.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Flavour = 'globus' | 'scicat' | 'github' | 'sfapi' | 'compute';

export interface EchoRule {
  /** '*' for any (default). */
  readonly method?: string;
  readonly path: RegExp;
  readonly status: number;
  /** Matching requests answered this way (default 1). */
  readonly times?: number;
}

export interface EchoProxy {
  readonly url: string;
  echo(rule: EchoRule): void;
  /** Error answers that carried an echo of the request. */
  readonly echoed: () => number;
  /** Every credential seen, in the forms a leak would take: the value and its base64 forms. */
  needles(): string[];
  /** The credentials themselves (for messages), without derived forms. */
  credentials(): string[];
  close(): Promise<void>;
}

const readAll = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });

const CREDENTIAL_FIELDS = /^(password|client_secret|access_token|refresh_token|token|id|assertion|client_assertion)$/i;

export async function startEchoProxy(opts: { target: string; flavour: Flavour }): Promise<EchoProxy> {
  const target = new URL(opts.target);
  const rules: { rule: EchoRule; left: number }[] = [];
  const seen = new Set<string>();
  let echoed = 0;

  const remember = (value: unknown): void => {
    if (typeof value === 'string' && value.length >= 6) seen.add(value);
  };

  /** What a request carries: the Authorization header (whole, its credential, a Basic one's secret) and body fields. */
  const harvestRequest = (req: IncomingMessage, body: Buffer): void => {
    const auth = req.headers.authorization;
    if (auth) {
      remember(auth);
      const [scheme = '', credential = ''] = auth.split(/\s+/, 2);
      remember(credential);
      if (/^basic$/i.test(scheme)) {
        const decoded = Buffer.from(credential, 'base64').toString('utf8');
        remember(decoded.slice(decoded.indexOf(':') + 1));
      }
    }
    const text = body.toString('utf8');
    try {
      const json: unknown = JSON.parse(text);
      if (json !== null && typeof json === 'object') {
        for (const [k, v] of Object.entries(json)) if (/^(password|client_secret|token)$/i.test(k)) remember(v);
      }
    } catch {
      for (const [k, v] of new URLSearchParams(text)) if (/^(password|client_secret|client_assertion)$/i.test(k)) remember(v);
    }
  };

  /** Tokens a simulator issued (Globus access_token, SciCat access_token or legacy id, GitHub installation token). */
  const harvestAnswer = (path: string, status: number, text: string): void => {
    if (status < 200 || status >= 300) return;
    const isTokenCall = /oauth2\/token|auth\/login|access_tokens|c2id\/token/.test(path);
    if (!isTokenCall) return;
    try {
      const json: unknown = JSON.parse(text);
      if (json !== null && typeof json === 'object') for (const [k, v] of Object.entries(json)) if (CREDENTIAL_FIELDS.test(k)) remember(v);
    } catch {
      // not JSON: nothing issued
    }
  };

  /** The request as a server that echoes it would quote it: Authorization first, then the rest, then the body. */
  const echoText = (req: IncomingMessage, body: Buffer): string => {
    const headers = Object.entries(req.headers).sort(([a], [b]) => (a === 'authorization' ? -1 : b === 'authorization' ? 1 : 0));
    return `${req.method ?? ''} ${req.url ?? ''} HTTP/1.1\n${headers.map(([k, v]) => `${k}: ${String(v)}`).join('\n')}\n\n${body.toString('utf8')}`;
  };
  const echoObject = (req: IncomingMessage, body: Buffer): Record<string, unknown> => ({ method: req.method, url: req.url, headers: req.headers, body: body.toString('utf8') });

  /** An error body in the service's own shape, with the echo where its message goes. */
  const errorBody = (req: IncomingMessage, body: Buffer, status: number, upstream: unknown): Record<string, unknown> => {
    const echo = echoText(req, body);
    const up = upstream !== null && typeof upstream === 'object' && !Array.isArray(upstream) ? (upstream as Record<string, unknown>) : {};
    const said = (key: string): string => (typeof up[key] === 'string' ? `${up[key]} — ` : '');
    const request = echoObject(req, body);
    switch (opts.flavour) {
      case 'globus':
        if ((req.url ?? '').includes('/oauth2/token')) {
          return { ...up, error: typeof up.error === 'string' ? up.error : status === 401 ? 'invalid_client' : 'invalid_request', error_description: `${said('error_description')}request was: ${echo}`, request };
        }
        return {
          ...up,
          code: typeof up.code === 'string' ? up.code : status >= 500 ? 'ServiceUnavailable' : status === 401 ? 'AuthenticationFailed' : 'ClientError.BadRequest',
          message: `${said('message')}request was: ${echo}`,
          request_id: typeof up.request_id === 'string' ? up.request_id : 'echo0000',
          request,
        };
      case 'scicat':
        return { statusCode: status, error: status >= 500 ? 'Internal Server Error' : 'Bad Request', ...up, message: `${said('message')}request was: ${echo}`, request };
      case 'github':
        return { ...up, message: `${said('message')}request was: ${echo}`, documentation_url: 'https://docs.github.com/rest', request };
      case 'compute':
        // Globus Compute's ErrorResponse, the echo where its detail goes.
        return { status: 'Failed', code: typeof up.code === 'string' ? up.code : status >= 500 ? 'SERVICE_UNAVAILABLE' : 'REQUEST_FORBIDDEN', error_args: [], http_status_code: status, detail: `${said('detail')}request was: ${echo}`, reason: `request was: ${echo}`, request };
      case 'sfapi':
        if ((req.url ?? '').includes('/c2id/token')) {
          return { ...up, error: typeof up.error === 'string' ? up.error : 'invalid_client', error_description: `${said('error_description')}request was: ${echo}`, request };
        }
        return { ...up, detail: `${said('detail')}request was: ${echo}`, request };
    }
  };

  const send = (res: ServerResponse, status: number, headers: Record<string, string>, text: string): void => {
    res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      harvestRequest(req, body);
      const path = (req.url ?? '').split('?')[0] ?? '';
      const hit = rules.find((r) => r.left > 0 && ((r.rule.method ?? '*') === '*' || r.rule.method === req.method) && r.rule.path.test(path));
      if (hit) {
        hit.left--;
        echoed++;
        send(res, hit.rule.status, {}, JSON.stringify(errorBody(req, body, hit.rule.status, undefined)));
        return;
      }
      const headers = { ...req.headers, host: target.host };
      const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (up) => {
        void readAll(up).then((buf) => {
          const status = up.statusCode ?? 502;
          const text = buf.toString('utf8');
          harvestAnswer(path, status, text);
          const passHeaders: Record<string, string> = {};
          for (const [k, v] of Object.entries(up.headers)) if (typeof v === 'string' && !['content-length', 'content-type', 'connection', 'transfer-encoding'].includes(k)) passHeaders[k] = v;
          if (status < 400) {
            res.writeHead(status, { ...passHeaders, ...(up.headers['content-type'] ? { 'content-type': up.headers['content-type'] } : {}), 'content-length': String(buf.length) });
            res.end(buf);
            return;
          }
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          echoed++;
          send(res, status, passHeaders, JSON.stringify(errorBody(req, body, status, parsed)));
        });
      });
      upstream.on('error', () => {
        res.destroy();
      });
      upstream.end(body);
    })().catch(() => {
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    echo(rule) {
      rules.push({ rule, left: rule.times ?? 1 });
    },
    echoed: () => echoed,
    credentials: () => [...seen],
    needles() {
      const out = new Set<string>();
      for (const v of seen) {
        out.add(v);
        out.add(Buffer.from(v).toString('base64').replace(/=+$/, ''));
        out.add(Buffer.from(v).toString('base64url'));
      }
      return [...out];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
