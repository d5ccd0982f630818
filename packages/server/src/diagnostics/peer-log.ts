/**
 * Log lines a peer can cause (a malformed packet, an event refused by a middleware nobody
 * listens to): at most one line per peer and reason per interval, and one summary line per
 * interval counting what was held back. Without this, a client sending a thousand bad packets
 * in one request would write a thousand lines: a cheap way to flood a server's logs.
 *
 * @example
 * const log = new PeerLog();
 * log.report(socket.handshake.address, 'parse error', 'malformed packet', error);
 */

/** One line per peer and reason per this many milliseconds. */
export const PEER_LOG_INTERVAL_MS = 60_000;
/** Peers remembered at once; past this, the table starts over (a flood of distinct peers). */
const MAX_TRACKED = 10_000;

export type LogSink = (...args: unknown[]) => void;

export class PeerLog {
  readonly #intervalMs: number;
  readonly #sink: LogSink;
  /** When each `peer|reason` last wrote a line. */
  readonly #lastLogged = new Map<string, number>();
  #suppressed = 0;
  #summaryTimer: NodeJS.Timeout | undefined;

  constructor(sink: LogSink = console.error, intervalMs = PEER_LOG_INTERVAL_MS) {
    this.#sink = sink;
    this.#intervalMs = intervalMs;
  }

  /** Writes `message` unless this peer already had a line for `reason` within the interval. */
  report(peer: string, reason: string, message: string, detail?: unknown): void {
    const key = `${peer}|${reason}`;
    const now = Date.now();
    const last = this.#lastLogged.get(key);
    if (last !== undefined && now - last < this.#intervalMs) {
      this.#suppress();
      return;
    }
    if (this.#lastLogged.size >= MAX_TRACKED) this.#lastLogged.clear();
    this.#lastLogged.set(key, now);
    if (detail === undefined) this.#sink(`[parley] ${message} (peer ${peer})`);
    else this.#sink(`[parley] ${message} (peer ${peer}):`, detail);
  }

  /**
   * An exception from the application's code that a peer's input triggered: keyed by its
   * message too, so that distinct bugs each get their line and one bug hit in a loop gets one.
   */
  reportException(peer: string, where: string, error: unknown): void {
    const message = String((error as Error | undefined)?.message ?? error).slice(0, 100);
    this.report(peer, `uncaught exception: ${message}`, `uncaught exception in ${where}`, error);
  }

  /** The fallback for `reportUserError` when the peer is `peer`. */
  fallbackFor(peer: string): (where: string, error: unknown) => void {
    return (where, error) => this.reportException(peer, where, error);
  }

  /** Stops the summary timer (the server is closing); a pending count is written now. */
  close(): void {
    if (this.#summaryTimer !== undefined) {
      clearTimeout(this.#summaryTimer);
      this.#summaryTimer = undefined;
    }
    this.#writeSummary();
    this.#lastLogged.clear();
  }

  // One timer per interval with something to count, never one per line.
  #suppress(): void {
    this.#suppressed++;
    if (this.#summaryTimer !== undefined) return;
    this.#summaryTimer = setTimeout(() => {
      this.#summaryTimer = undefined;
      this.#writeSummary();
    }, this.#intervalMs);
    this.#summaryTimer.unref();
  }

  #writeSummary(): void {
    if (this.#suppressed === 0) return;
    this.#sink(`[parley] ${this.#suppressed} similar log lines caused by peers were suppressed`);
    this.#suppressed = 0;
  }
}
