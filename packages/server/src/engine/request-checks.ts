/**
 * The checks a request passes before the engine serves it: whether it fits the session it names
 * (transport, protocol, method), and, for a handshake, the application's `allowRequest` and the
 * protocol revisions allowed. Each refusal is a {@link RequestError} with engine.io's code.
 */
import type { IncomingMessage } from 'node:http';
import { protocolOf } from './eio3/revision.js';
import { REQUEST_ERROR_MESSAGES, RequestError, RequestErrorCode, type RequestErrorNumber } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { sessionIdOf } from './request.js';
import type { Socket } from './socket.js';

type Query = Record<string, string>;

/** Whether a request fits the engine's transports and the session it names; its refusal if not. */
export function verifyRequest(
  req: IncomingMessage,
  query: Query,
  upgrade: boolean,
  options: ResolvedOptions,
  sessions: ReadonlyMap<string, Socket>,
): RequestError | undefined {
  const transport = query.transport;
  if (transport === undefined || !(options.transports as readonly string[]).includes(transport)) {
    return new RequestError(RequestErrorCode.UNKNOWN_TRANSPORT, { transport });
  }
  const sid = sessionIdOf(query);
  if (sid !== undefined) {
    const session = sessions.get(sid);
    if (session === undefined) return new RequestError(RequestErrorCode.UNKNOWN_SID, { sid });
    const current = session.transport.name;
    const protocol = protocolOf(query);
    if (protocol !== session.protocol) {
      return new RequestError(RequestErrorCode.BAD_REQUEST, {
        name: 'PROTOCOL_MISMATCH',
        protocol,
        previousProtocol: session.protocol,
      });
    }
    if (upgrade) {
      // A session that is already upgrading or upgraded is not refused here: as with
      // engine.io, the WebSocket handshake completes and the session then closes the probe.
      // `allowUpgrades: false` only stops advertising upgrades in the handshake: engine.io
      // still accepts a client that upgrades anyway, so the upgrade is not refused for it.
      const upgradable = transport === 'websocket';
      return upgradable
        ? undefined
        : new RequestError(RequestErrorCode.BAD_REQUEST, { name: 'UPGRADE_REFUSED', transport: current });
    }
    if (current !== transport) {
      return new RequestError(RequestErrorCode.BAD_REQUEST, {
        name: 'TRANSPORT_MISMATCH',
        transport,
        previousTransport: current,
      });
    }
    if (transport === 'sse' && req.method !== 'POST')
      return new RequestError(RequestErrorCode.BAD_REQUEST, { name: 'SSE_STREAM_BOUND' });
    return undefined;
  }
  if (req.method !== 'GET') return new RequestError(RequestErrorCode.BAD_HANDSHAKE_METHOD, { method: req.method });
  if (upgrade !== (transport === 'websocket'))
    return new RequestError(RequestErrorCode.BAD_REQUEST, { name: 'TRANSPORT_HANDSHAKE_ERROR' });
  // engine.io has no SSE: a v3 client asking for it asks for an unknown transport.
  if (transport === 'sse' && protocolOf(query) === 3)
    return new RequestError(RequestErrorCode.UNKNOWN_TRANSPORT, { transport });
  return undefined;
}

/**
 * Runs `allowRequest`, then refuses Engine.IO v3 unless `allowEIO3` (in that order, as
 * engine.io does: an application's refusal wins over the protocol's).
 */
export function allowHandshake(
  req: IncomingMessage,
  query: Query,
  options: ResolvedOptions,
  callback: (refusal?: RequestError) => void,
): void {
  const allowRequest = options.allowRequest;
  if (allowRequest === undefined) {
    callback(refuseProtocol(query, options));
    return;
  }
  let settled = false;
  const decide = (err: unknown, success: boolean): void => {
    if (settled) return;
    settled = true;
    if (!err && success) {
      callback(refuseProtocol(query, options));
      return;
    }
    callback(refusalFrom(err));
  };
  try {
    allowRequest(req, decide);
  } catch (cause) {
    // A bug in the application's check: refuse, without showing the client its message.
    if (settled) return;
    settled = true;
    callback(new RequestError(RequestErrorCode.FORBIDDEN, { name: 'ALLOW_REQUEST_FAILED', cause }));
  }
}

function refuseProtocol(query: Query, options: ResolvedOptions): RequestError | undefined {
  if (options.allowEIO3 || protocolOf(query) === 4) return undefined;
  return new RequestError(RequestErrorCode.UNSUPPORTED_PROTOCOL_VERSION, { protocol: 3 });
}

/**
 * The error for an `allowRequest` refusal: a string is the message of a 403 `{"code":4}`; an
 * object may also choose the code (`{ code: 3, message: 'Bad token' }` answers 400).
 */
function refusalFrom(err: unknown): RequestError {
  // engine.io's context: what the application passed, as it passed it.
  const context = { message: err };
  if (typeof err === 'string' && err !== '') return new RequestError(RequestErrorCode.FORBIDDEN, context, err);
  if (typeof err === 'object' && err !== null) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    const number =
      typeof code === 'number' && code in REQUEST_ERROR_MESSAGES
        ? (code as RequestErrorNumber)
        : RequestErrorCode.FORBIDDEN;
    return new RequestError(number, context, typeof message === 'string' && message ? message : undefined);
  }
  return new RequestError(RequestErrorCode.FORBIDDEN, context);
}
