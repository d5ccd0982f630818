/**
 * Nesting depth of decoded data. JSON.parse itself copes with any depth, but what comes after it
 * does not: JSON.stringify (an ack echoing the data), structured clone and every recursive walk
 * overflow the stack on a few thousand levels, and a RangeError thrown from a promise callback
 * takes the whole process down. Refusing deep data in the decoder keeps it from every handler.
 */

/** Levels of arrays and objects a packet's data may have below its own top-level array or object. */
export const MAX_NESTING_DEPTH = 256;

/**
 * True when `value` holds arrays/objects more than `maxLevels` deep (a flat array is one level).
 * The walk stops at `maxLevels`, so it cannot overflow the stack itself. Measured on the parsed
 * value rather than the text: on large payloads it costs a fraction of JSON.parse (a text scan that
 * skips strings cost as much as the parse, or more), and it is the smallest code for the browser
 * bundle, which has a size budget.
 */
export function nestsDeeperThan(value: unknown, maxLevels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (maxLevels < 1) return true;
  const items = Array.isArray(value) ? value : Object.values(value);
  for (let i = 0; i < items.length; i++) if (nestsDeeperThan(items[i], maxLevels - 1)) return true;
  return false;
}
