/**
 * Globus Compute client (RECON §4.1–4.4): the REST routes a recon needs — endpoint status, function
 * registration from source text, batch submission with JSON arguments and JSON results, batch status — over
 * the Globus transport (the SDK's retry rules and error documents) with a client-credentials token for the
 * Compute scope from the same Globus Auth code as Transfer, and a client-side limit of 20 requests per 10 s.
 * There is no route to cancel a task: once submitted it runs until it ends or its time limits stop it.
 */
import type { Dispatcher } from 'undici';
import { ClientCredentialsAuth } from '../globus/auth.js';
import { GlobusApiError } from '../globus/errors.js';
import { GlobusTransport, type RetryOptions } from '../globus/transport.js';
import { type RateLimitOptions, SlidingWindowLimiter } from './rate.js';
import { JSON_DATA_SERIALIZER, SOURCE_TEXT_IDENTIFIER, sourceFunctionCode, taskPayload } from './serialize.js';
import { isRecord } from '../is-record.js';

/** The Compute API's scope (resource server `funcx_service`). */
export const COMPUTE_SCOPE = 'https://auth.globus.org/scopes/facd7ccc-c5f4-42aa-916b-a0e270e2c2a9/all';
export const PRODUCTION_COMPUTE_URL = 'https://compute.api.globus.org';
/**
 * `meta.sdk_version` of a registration: the Globus Compute SDK release whose wire format this client follows
 * (the serializer read for RECON §4.3 is v4.15.0's). The service stores it as information.
 */
export const COMPATIBLE_SDK_VERSION = '4.15.0';

/** Task states the service reports (globus-compute-common tasks/constants.py); anything but success/failed is pending. */
export type TaskState = 'received' | 'waiting-for-ep' | 'waiting-for-nodes' | 'waiting-for-launch' | 'running' | 'success' | 'failed' | (string & {});

export interface TaskRecord {
  readonly taskId: string;
  readonly status: TaskState;
  readonly pending: boolean;
  /** The serialized result (`11\n<json>`), when the task succeeded. */
  readonly result?: string | undefined;
  /** The traceback text, when the function raised (or the endpoint failed it). */
  readonly exception?: string | undefined;
  /** Why a finished task has neither result nor exception. */
  readonly reason?: string | undefined;
  /** Completion time (Unix seconds, as the service sends it: a string). */
  readonly completionT?: string | undefined;
}

export interface EndpointStatus {
  /** `online`, `offline`, … */
  readonly status: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;
}

export interface TaskArguments {
  readonly args: readonly unknown[];
  readonly kwargs?: Readonly<Record<string, unknown>>;
}

export interface ComputeClientOptions {
  computeUrl: string;
  authUrl: string;
  clientId: string;
  clientSecret: string;
  /** Called with the client secret and every access token, so the step context can hide them. */
  mask?: (secret: string) => void;
  timeoutMs?: number;
  retry?: RetryOptions;
  rateLimit?: RateLimitOptions;
  dispatcher?: Dispatcher;
  now?: () => number;
}

const seg = (id: string): string => encodeURIComponent(id);
const optString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export class ComputeClient {
  readonly auth: ClientCredentialsAuth;
  readonly transport: GlobusTransport;
  readonly limiter: SlidingWindowLimiter;

  constructor(opts: ComputeClientOptions) {
    this.auth = new ClientCredentialsAuth({
      authUrl: opts.authUrl,
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      scope: COMPUTE_SCOPE,
      mask: opts.mask,
      timeoutMs: opts.timeoutMs,
      retry: opts.retry,
      dispatcher: opts.dispatcher,
      now: opts.now,
    });
    this.limiter = new SlidingWindowLimiter({ now: opts.now, ...opts.rateLimit });
    this.transport = new GlobusTransport({
      service: 'Compute',
      baseUrl: opts.computeUrl,
      timeoutMs: opts.timeoutMs,
      retry: opts.retry,
      authorizer: this.auth,
      dispatcher: opts.dispatcher,
      beforeSend: () => this.limiter.acquire(),
    });
  }

  /** Requests sent to the Compute API so far (every attempt counts; token requests go to Auth and are not counted). */
  get requestsSent(): number {
    return this.transport.requestsSent;
  }

  #unexpected(method: string, path: string, message: string, body: unknown): GlobusApiError {
    return new GlobusApiError({ service: 'Compute', method, path, status: 200, code: 'UnexpectedResponse', apiMessage: message, attempts: 1, body });
  }

  /** GET /v2/endpoints/{id}/status: `online` when it can take tasks now. */
  async endpointStatus(endpointId: string): Promise<EndpointStatus> {
    const path = `/v2/endpoints/${seg(endpointId)}/status`;
    const { body } = await this.transport.request({ method: 'GET', path });
    if (!isRecord(body) || typeof body.status !== 'string') throw this.#unexpected('GET', path, 'expected {status}', body);
    return { status: body.status, details: isRecord(body.details) ? body.details : undefined };
  }

  /**
   * POST /v3/functions with the function's Python source (`st`), as the SDK's register_source_code does.
   * Each call registers a new function id; config keeps the one to reuse.
   */
  async registerFunction(f: { name: string; source: string; description?: string; pythonVersion: string }): Promise<string> {
    const path = '/v3/functions';
    const json = {
      function_name: f.name,
      function_code: sourceFunctionCode(f.name, f.source),
      ...(f.description === undefined ? {} : { description: f.description }),
      meta: { python_version: f.pythonVersion, sdk_version: COMPATIBLE_SDK_VERSION, serde_identifier: SOURCE_TEXT_IDENTIFIER },
      public: false,
    };
    const { body } = await this.transport.request({ method: 'POST', path, json });
    if (!isRecord(body) || typeof body.function_uuid !== 'string') throw this.#unexpected('POST', path, 'expected {function_uuid}', body);
    return body.function_uuid;
  }

  /** GET /v2/functions/{id}: the function_code stored for a registered function (to check it is the expected one). */
  async functionCode(functionId: string): Promise<string> {
    const path = `/v2/functions/${seg(functionId)}`;
    const { body } = await this.transport.request({ method: 'GET', path });
    if (!isRecord(body) || typeof body.function_code !== 'string') throw this.#unexpected('GET', path, 'expected {function_code}', body);
    return body.function_code;
  }

  /**
   * POST /v3/endpoints/{id}/submit: one function, one task per argument set, JSON in and (result_serializers)
   * JSON out. Returns the task ids in the order of `tasks`.
   */
  async submit(endpointId: string, functionId: string, tasks: readonly TaskArguments[]): Promise<string[]> {
    const path = `/v3/endpoints/${seg(endpointId)}/submit`;
    const json = {
      tasks: { [functionId]: tasks.map((t) => taskPayload(t.args, t.kwargs ?? {})) },
      result_serializers: [JSON_DATA_SERIALIZER],
      create_queue: false,
    };
    const { body } = await this.transport.request({ method: 'POST', path, json });
    const ids = isRecord(body) && isRecord(body.tasks) ? body.tasks[functionId] : undefined;
    if (!Array.isArray(ids) || ids.length !== tasks.length || !ids.every((id) => typeof id === 'string')) {
      throw this.#unexpected('POST', path, `expected tasks.${functionId} with ${String(tasks.length)} task id(s)`, body);
    }
    return ids;
  }

  /** POST /v2/batch_status: every task in one request (the rate limit counts requests, not tasks). */
  async batchStatus(taskIds: readonly string[]): Promise<Map<string, TaskRecord>> {
    const path = '/v2/batch_status';
    const { body } = await this.transport.request({ method: 'POST', path, json: { task_ids: taskIds } });
    if (!isRecord(body) || !isRecord(body.results)) throw this.#unexpected('POST', path, 'expected {response, results}', body);
    const out = new Map<string, TaskRecord>();
    for (const id of taskIds) {
      const r = body.results[id];
      if (!isRecord(r)) continue;
      // As the SDK: a finished record must name its task; anything but success/failed is pending.
      const status = (typeof r.status === 'string' ? r.status : 'unknown').toLowerCase();
      const pending = status !== 'success' && status !== 'failed';
      if (!pending && r.task_id !== id) throw this.#unexpected('POST', path, `the record of task ${id} names task ${String(r.task_id)}`, body);
      out.set(id, {
        taskId: id,
        status,
        pending,
        result: optString(r.result),
        exception: optString(r.exception),
        reason: optString(r.reason),
        completionT: optString(r.completion_t),
      });
    }
    return out;
  }
}
