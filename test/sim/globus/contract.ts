/**
 * Rules of the real Globus service that the simulator enforces on what a client sends, each with its source.
 * Where the service's exact answer is not recorded anywhere, the choice is marked UNVERIFIED: the rule is
 * still enforced (a simulator may be stricter than the service, never more lenient), only the wording of the
 * refusal is ours.
 */
import { GlobusError, badRequest } from './collections.js';

/**
 * Task labels. Two documented rules apply and the simulator enforces both:
 *  - Transfer API, task_submit ("label"): at most 128 characters, no `\r`/`\n`, no leading or trailing
 *    whitespace (docs.globus.org/api/transfer/task_submit).
 *  - Globus CLI reference "labels - Task labeling": only ASCII letters, digits, space, `-`, `_` and `,`
 *    (docs.globus.org/cli/reference/labels). The service still enforces a character set: a label with `:`
 *    was answered `400 BadRequest "Invalid label characters"` (DKISTDC/dkist issue #195, 2022), which is
 *    the refusal reproduced here. Code and wording of the length and whitespace refusals: UNVERIFIED.
 */
export const LABEL_MAX = 128;
const LABEL_CHARS = /^[A-Za-z0-9 _,-]*$/;

export function checkLabel(label: string): void {
  if (!LABEL_CHARS.test(label)) throw new GlobusError(400, 'BadRequest', 'Invalid label characters');
  if (label.length > LABEL_MAX) throw new GlobusError(400, 'BadRequest', `Label too long: ${label.length} characters, at most ${LABEL_MAX}`);
  if (label !== label.trim()) throw new GlobusError(400, 'BadRequest', 'Label must not begin or end with whitespace');
}

/**
 * Query parameters per route: what globus-sdk-python (services/transfer/client.py) and the API docs give
 * each route, limited to what the simulator implements. Anything else is refused, and so is a repeat of a
 * parameter that is not repeatable (only ls `filter` is). Routes not in the table are not checked here.
 * The real service's answer to an unknown parameter is UNVERIFIED; the simulator answers 400.
 */
interface QueryRule {
  method: string;
  path: RegExp;
  params: readonly string[];
  repeatable?: readonly string[];
}

const SEG = '[^/]+';
const QUERY_RULES: readonly QueryRule[] = [
  { method: 'POST', path: /^\/v2\/oauth2\/token$/, params: [] },
  { method: 'GET', path: /^\/v0\.10\/submission_id$/, params: [] },
  { method: 'POST', path: /^\/v0\.10\/(transfer|delete)$/, params: [] },
  { method: 'GET', path: /^\/v0\.10\/task_list$/, params: ['limit', 'offset', 'filter'] },
  { method: 'GET', path: new RegExp(`^/v0\\.10/task/${SEG}$`), params: [] },
  { method: 'GET', path: new RegExp(`^/v0\\.10/task/${SEG}/event_list$`), params: ['limit', 'offset', 'filter'] },
  { method: 'GET', path: new RegExp(`^/v0\\.10/task/${SEG}/(successful_transfers|skipped_errors)$`), params: ['marker'] },
  { method: 'POST', path: new RegExp(`^/v0\\.10/task/${SEG}/cancel$`), params: [] },
  {
    method: 'GET',
    path: new RegExp(`^/v0\\.10/operation/endpoint/${SEG}/ls$`),
    params: ['path', 'show_hidden', 'limit', 'offset', 'orderby', 'filter', 'local_user'],
    repeatable: ['filter'],
  },
  { method: 'GET', path: new RegExp(`^/v0\\.10/operation/endpoint/${SEG}/stat$`), params: ['path', 'local_user'] },
  { method: 'POST', path: new RegExp(`^/v0\\.10/operation/endpoint/${SEG}/(mkdir|rename)$`), params: [] },
];

/** The first parameter the route does not take (or repeats), as a message; undefined when all are fine. */
export function queryProblem(method: string, path: string, query: URLSearchParams): string | undefined {
  const rule = QUERY_RULES.find((r) => r.method === method && r.path.test(path));
  if (!rule) return undefined;
  const seen = new Set<string>();
  for (const name of query.keys()) {
    if (!rule.params.includes(name)) return `Unknown query parameter '${name}' for ${method} ${path}`;
    if (seen.has(name) && !rule.repeatable?.includes(name)) return `Query parameter '${name}' given more than once`;
    seen.add(name);
  }
  return undefined;
}

/** Transfer routes: an unknown or repeated parameter is a 400 with a Globus error body. */
export function checkQuery(method: string, path: string, query: URLSearchParams): void {
  const problem = queryProblem(method, path, query);
  if (problem) throw badRequest(problem);
}

/**
 * Submission ids. "Both require a submission_id requested from the get submission id resource"
 * (docs.globus.org/api/transfer/task_submit, Overview). A document whose id the service never issued to
 * this identity is refused; the status and code of that refusal are UNVERIFIED (400 ClientError.BadRequest
 * here). A re-used id answers `Duplicate` with the first task (handled by the server).
 */
export class SubmissionIds {
  private readonly issued = new Map<string, string>();

  issue(client: string, id: string): string {
    this.issued.set(id.toLowerCase(), client);
    return id;
  }

  /** The id of a transfer/delete document, or a 400 when it is missing or was not issued to `client`. */
  check(doc: Record<string, unknown>, client: string): string {
    const sid = doc.submission_id;
    if (typeof sid !== 'string' || sid === '') throw badRequest("'submission_id' is required; get one from GET /v0.10/submission_id");
    if (this.issued.get(sid.toLowerCase()) !== client) {
      throw badRequest(`Invalid submission_id '${sid}': it was not issued by GET /v0.10/submission_id to this identity`);
    }
    return sid;
  }
}
