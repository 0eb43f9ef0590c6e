/**
 * Helpers for JSON that comes from outside (a file header, a config, a manifest): a parsed
 * value can be nested deeper than JSON.stringify or Array.prototype.join can recurse, carry own
 * "toString"/"valueOf" keys that make String(value) throw, or hold a string of megabytes.
 */

/** Characters of a value shown in a message before it is cut. */
const SHOWN = 80;

/** Whether a parsed JSON value is an object (not null, not a list). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A parsed JSON value as short JSON text for a message: never throws (deep nesting, own
 * "toString" keys), and cuts long text with "…".
 */
export function describeJson(value: unknown, max = SHOWN): string {
  let text: string;
  try {
    text = JSON.stringify(typeof value === 'string' && value.length > max ? value.slice(0, max) : value) ?? 'nothing';
  } catch {
    text = Array.isArray(value) ? 'a list nested too deeply' : 'a value nested too deeply';
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** JSON text of a parsed value, or undefined when it is nested too deeply to write back. */
export function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
