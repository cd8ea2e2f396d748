/**
 * The repository_dispatch body and GitHub's limits on it: `event_type` up to 100 characters, at most 10
 * top-level `client_payload` properties, and the JSON payload under 64 KB. A long list of paths is split
 * into several bodies, each within the limits, keeping the order.
 */

export interface DispatchBody {
  readonly event_type: string;
  readonly client_payload: {
    /** What dispatch.yml reads: a JSON array of paths. */
    readonly file_paths: readonly string[];
    readonly is_export_control: boolean;
  };
}

/**
 * Bytes of the whole request body we allow. GitHub says "less than 64KB" for the payload; counting the whole
 * body (event type and keys included) against 64,000 bytes stays under it whichever KB and whichever part
 * GitHub measures.
 */
export const MAX_BODY_BYTES = 64_000;
export const MAX_EVENT_TYPE_CHARS = 100;
export const MAX_TOP_LEVEL_PROPERTIES = 10;

export function bodyBytes(body: DispatchBody): number {
  return Buffer.byteLength(JSON.stringify(body), 'utf8');
}

/** Bytes one more path adds to a body's `file_paths` array (its JSON string and a comma). */
export function pathBytes(path: string): number {
  return Buffer.byteLength(JSON.stringify(path), 'utf8') + 1;
}

/** Bytes of a body with an empty path list: the fixed part. */
export function emptyBodyBytes(eventType: string, isExportControl: boolean): number {
  return bodyBytes({ event_type: eventType, client_payload: { file_paths: [], is_export_control: isExportControl } });
}

/**
 * Pack `paths` into as few bodies as the limits allow, in order. Throws for an event type GitHub refuses;
 * a single path never exceeds the limit (the path gate caps paths at 4,096 bytes).
 */
export function planDispatches(eventType: string, paths: readonly string[], isExportControl: boolean, maxBytes = MAX_BODY_BYTES): DispatchBody[] {
  if (eventType.length === 0 || eventType.length > MAX_EVENT_TYPE_CHARS) {
    throw new Error(`event_type must be 1 to ${MAX_EVENT_TYPE_CHARS} characters, got ${eventType.length}`);
  }
  const fixed = emptyBodyBytes(eventType, isExportControl);
  const bodies: DispatchBody[] = [];
  let current: string[] = [];
  let size = fixed;
  const flush = (): void => {
    if (current.length === 0) return;
    bodies.push({ event_type: eventType, client_payload: { file_paths: current, is_export_control: isExportControl } });
    current = [];
    size = fixed;
  };
  for (const p of paths) {
    const add = pathBytes(p);
    if (fixed + add > maxBytes) throw new Error(`a path of ${add} bytes cannot fit in one dispatch (limit ${maxBytes} bytes)`);
    if (size + add > maxBytes) flush();
    current.push(p);
    size += add;
  }
  flush();
  return bodies;
}
