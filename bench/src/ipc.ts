/**
 * Request/response over the Node IPC channel between the orchestrator and its children
 * (servers under test, load generator). One small envelope, ids to pair replies, a bound on
 * every wait, and a child's exit failing whatever was still pending.
 */
import type { ChildProcess } from 'node:child_process';
import { BenchError } from './errors.js';

interface RequestEnvelope {
  id: number;
  type: string;
  payload: unknown;
}

type ReplyEnvelope = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export class IpcError extends BenchError<'IPC_TIMEOUT' | 'IPC_CHILD_EXITED' | 'IPC_REMOTE_ERROR'> {}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** The parent's end of a child's IPC channel. */
export class IpcClient {
  #child: ChildProcess;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #exitReason: string | undefined;
  /** Called with the child's recent stderr to explain an unexpected exit. */
  #describeExit: () => string;

  constructor(child: ChildProcess, describeExit: () => string = () => '') {
    this.#child = child;
    this.#describeExit = describeExit;
    child.on('message', (message: unknown) => this.#onMessage(message));
    // A send racing the child's exit fails here; the pending request fails on 'exit'.
    child.on('error', () => {});
    child.on('exit', (code, signal) => {
      this.#exitReason = `child exited (${signal ?? `code ${code}`})`;
      const detail = this.#describeExit();
      this.#failAll(new IpcError('IPC_CHILD_EXITED', detail ? `${this.#exitReason}: ${detail}` : this.#exitReason));
    });
  }

  request<T>(type: string, payload: unknown, timeoutMs: number): Promise<T> {
    if (this.#exitReason !== undefined) {
      return Promise.reject(new IpcError('IPC_CHILD_EXITED', this.#exitReason));
    }
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new IpcError('IPC_TIMEOUT', `no reply to "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      const envelope: RequestEnvelope = { id, type, payload };
      this.#child.send(envelope, (error) => {
        if (!error || !this.#pending.delete(id)) return;
        clearTimeout(timer);
        reject(new IpcError('IPC_CHILD_EXITED', `cannot send "${type}": ${error.message}`));
      });
    });
  }

  #onMessage(message: unknown): void {
    const reply = message as ReplyEnvelope;
    const pending = typeof reply?.id === 'number' ? this.#pending.get(reply.id) : undefined;
    if (!pending) return;
    this.#pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.ok) pending.resolve(reply.result);
    else pending.reject(new IpcError('IPC_REMOTE_ERROR', reply.error));
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }
}

export type IpcHandlers = Record<string, (payload: never) => unknown>;

/** The child's end: answers the parent's requests with the named handlers. */
export function serveIpc(handlers: IpcHandlers): void {
  process.on('message', (message: unknown) => {
    const request = message as RequestEnvelope;
    if (typeof request?.id !== 'number') return;
    const handler = handlers[request.type];
    const reply = (envelope: ReplyEnvelope) => {
      if (process.connected) process.send?.(envelope);
    };
    if (!handler) {
      reply({ id: request.id, ok: false, error: `unknown request "${request.type}"` });
      return;
    }
    Promise.resolve()
      .then(() => handler(request.payload as never))
      .then(
        (result) => reply({ id: request.id, ok: true, result }),
        (error: unknown) => reply({ id: request.id, ok: false, error: describeError(error) }),
      );
  });
  // The orchestrator went away: nothing left to serve.
  process.on('disconnect', () => process.exit(0));
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
