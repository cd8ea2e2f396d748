/** A JSON object (not null, not an array): what a parsed document's fields are read from. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
