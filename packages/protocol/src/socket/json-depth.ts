/**
 * Nesting depth of JSON text, measured without parsing it. JSON.parse itself copes with any depth,
 * but what comes after it does not: JSON.stringify (an ack echoing the data), structured clone and
 * every recursive walk overflow the stack on a few thousand levels, and a RangeError thrown from a
 * promise callback takes the whole process down. Refusing deep text at the decoder keeps such data
 * away from every handler.
 */

/** Levels of arrays and objects a packet's data may have below its own top-level array or object. */
export const MAX_NESTING_DEPTH = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * True when JSON text from `start` opens more than `maxLevels` arrays/objects inside one another.
 * Text too short to hold that many levels (two characters each) is not scanned at all, so the
 * common small packet costs one comparison; longer text costs one pass that jumps over strings
 * with `indexOf` (brackets inside strings do not nest anything).
 */
export function nestsDeeperThan(text: string, start: number, maxLevels: number): boolean {
  if (text.length - start <= 2 * maxLevels) return false;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = closingQuote(text, i);
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxLevels) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/** Index of the quote that ends the string opened at `open` (text length if unterminated). */
function closingQuote(text: string, open: number): number {
  let i = open;
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i === -1) return text.length;
    // A quote preceded by an odd run of backslashes is escaped and does not end the string.
    let backslashes = 0;
    for (let j = i - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
}
