/**
 * The `parser` option: a custom Socket.IO codec with socket.io-parser's interface, such as
 * socket.io-msgpack-parser. The built-in codec stays the default and does not go through here.
 */
import type { SocketPacket } from '@parley/protocol';

/**
 * What socket.io-parser exports, and what a custom parser must too: an `Encoder` whose
 * `encode(packet)` returns the Engine.IO messages of one packet, and a `Decoder` that takes
 * messages with `add()` (throwing on malformed data) and emits each packet as `decoded`.
 *
 * @example
 * import msgpackParser from 'socket.io-msgpack-parser';
 * const socket = io('https://example.com', { parser: msgpackParser });
 */
export interface Parser {
  Encoder: new () => { encode(packet: SocketPacket): unknown };
  Decoder: new () => {
    add(chunk: unknown): void;
    on(event: 'decoded', listener: (packet: SocketPacket) => void): unknown;
    destroy(): void;
  };
}

/** One connection's encoder and decoder from a custom parser, with the built-in codec's calling shape. */
export class ParserCodec {
  readonly #encoder: InstanceType<Parser['Encoder']>;
  readonly #decoder: InstanceType<Parser['Decoder']>;
  #decoded: SocketPacket | undefined;

  constructor(parser: Parser) {
    this.#encoder = new parser.Encoder();
    this.#decoder = new parser.Decoder();
    this.#decoder.on('decoded', (packet) => {
      this.#decoded = packet;
    });
  }

  /**
   * The messages of one packet. Per-message options stay off the wire; absent fields are
   * undefined, which parsers leave out (JSON and msgpack alike).
   */
  encode({ type, nsp, data, id }: SocketPacket): (string | Uint8Array)[] {
    return this.#encoder.encode({ type, nsp, data, id }) as (string | Uint8Array)[];
  }

  /** The packet this message completes, if any; throws what the parser throws on bad input. */
  add(data: unknown): SocketPacket | undefined {
    this.#decoded = undefined;
    this.#decoder.add(data);
    const packet = this.#decoded;
    this.#decoded = undefined;
    return packet;
  }

  /** Drops a partly received packet (its binary attachments), as after a disconnection. */
  reset(): void {
    this.#decoder.destroy();
  }
}
