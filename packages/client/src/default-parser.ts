/**
 * The parser a Manager uses when the `parser` option is not given: none, that is the built-in
 * codec. The msgpack browser bundle (socket.io.msgpack.min.js) swaps this module for
 * default-parser.msgpack.ts at build time (scripts/bundle.mjs), as socket.io-client's own msgpack
 * bundle swaps its parser.
 */
import type { Parser } from './parser.js';

export const defaultParser: Parser | undefined = undefined;
