/**
 * The default parser of the msgpack browser bundle only (see default-parser.ts): the bundle
 * includes socket.io-msgpack-parser, so its `io()` talks to servers created with that parser.
 */
import * as msgpackParser from 'socket.io-msgpack-parser';
import type { Parser } from './parser.js';

export const defaultParser: Parser | undefined = msgpackParser;
