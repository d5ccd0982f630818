/**
 * Counts the commands one Redis connection sends, with the bytes of each request as RESP, by
 * reading Redis's MONITOR feed over a raw socket. Other users of the same Redis (tests, other
 * runs) do not disturb the figures: only the watched client addresses count. Phases are cut by
 * marker commands (`ECHO <marker>`) the watched client sends itself, so every command is
 * attributed to the phase in which it was sent, whatever the feed's delay.
 */
import { connect, type Socket } from 'node:net';

export interface CommandTally {
  commands: number;
  /** Request bytes as RESP (`*N` header, `$len` per argument, the argument, CRLFs). */
  bytes: number;
  /** Commands by name (upper case), e.g. `{ HSET: 100, PEXPIRE: 100 }`. */
  byName: Record<string, number>;
}

export function emptyTally(): CommandTally {
  return { commands: 0, bytes: 0, byName: {} };
}

const BACKSLASH = 0x5c;
const QUOTE = 0x22;

/**
 * The arguments of one MONITOR line (`<time> [<db> <addr>] "ARG" "ARG" …`) as byte lengths, the
 * first argument's text, and the client address. MONITOR prints each argument quoted, with
 * non-printable bytes as `\xHH` and `\\`, `\"`, `\n`, `\r`, `\t`, `\a`, `\b` escapes.
 */
export function parseMonitorLine(line: string): { addr: string; name: string; lengths: number[]; first: string[] } {
  const open = line.indexOf('[');
  const close = line.indexOf(']', open);
  const addr = line.slice(open + 1, close).split(' ')[1] ?? '';
  const lengths: number[] = [];
  const first: string[] = [];
  let at = close + 1;
  while (at < line.length) {
    while (at < line.length && line.charCodeAt(at) !== QUOTE) at++;
    if (at >= line.length) break;
    at++;
    let length = 0;
    let text = '';
    while (at < line.length && line.charCodeAt(at) !== QUOTE) {
      if (line.charCodeAt(at) === BACKSLASH) {
        at += line[at + 1] === 'x' ? 4 : 2;
        text += '?';
      } else {
        text += line[at];
        at++;
      }
      length++;
    }
    at++;
    lengths.push(length);
    if (first.length < 2) first.push(text);
  }
  return { addr, name: (first[0] ?? '').toUpperCase(), lengths, first };
}

/** RESP size of a request whose arguments have these byte lengths. */
export function respRequestBytes(lengths: number[]): number {
  let bytes = `*${lengths.length}\r\n`.length;
  for (const length of lengths) bytes += `$${length}\r\n`.length + length + 2;
  return bytes;
}

export class CommandMonitor {
  #socket: Socket;
  #pending = '';
  #watched = new Set<string>();
  #tally = emptyTally();
  #markerWaiters = new Map<string, () => void>();

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.#onData(chunk));
  }

  static async open(host: string, port: number): Promise<CommandMonitor> {
    const socket = connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const monitor = new CommandMonitor(socket);
    socket.write('MONITOR\r\n');
    return monitor;
  }

  /** Counts the commands of the client at this address (`ip:port`, as CLIENT INFO's `addr`). */
  watch(addr: string): void {
    this.#watched.add(addr);
  }

  /**
   * Resolves once the feed shows `ECHO <marker>` from a watched client, and returns what was
   * counted since the previous cut.
   */
  cut(marker: string, send: () => Promise<unknown>, timeoutMs = 10_000): Promise<CommandTally> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#markerWaiters.delete(marker);
        reject(new Error(`the marker ${marker} did not show in the MONITOR feed within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#markerWaiters.set(marker, () => {
        clearTimeout(timer);
        const tally = this.#tally;
        this.#tally = emptyTally();
        resolve(tally);
      });
      send().catch(reject);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: string): void {
    const lines = (this.#pending + chunk).split('\r\n');
    this.#pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('+') || line === '+OK') continue;
      const { addr, name, lengths, first } = parseMonitorLine(line);
      if (!this.#watched.has(addr)) continue;
      if (name === 'ECHO') {
        this.#markerWaiters.get(first[1])?.();
        this.#markerWaiters.delete(first[1]);
        continue;
      }
      this.#tally.commands++;
      this.#tally.bytes += respRequestBytes(lengths);
      this.#tally.byName[name] = (this.#tally.byName[name] ?? 0) + 1;
    }
  }
}
