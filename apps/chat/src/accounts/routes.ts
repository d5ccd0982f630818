/**
 * The account routes: POST /api/signup, /api/login, /api/password, /api/logout and GET /api/me.
 *
 * CSRF: POST routes take only `application/json` (a cross-site form cannot send it, and a
 * cross-site fetch with it needs a CORS preflight the chat never grants) and, when the browser says
 * which page sent the request (Origin), only from the chat's own origin or ALLOWED_ORIGINS.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import express, { type Request, type Response } from 'express';
import { clientAddress, networkOf } from '../chat/identity.js';
import { isAllowedOrigin, normalizeOrigin } from '../origin-check.js';
import { type Accounts, type SignedIn, sessionRoom } from './accounts.js';
import { AccountError } from './errors.js';
import { sessionCookie, sessionTokenFrom } from './tokens.js';

export interface AccountRoutesOptions {
  accounts: Accounts;
  allowedOrigins: readonly string[];
  trustProxy: number;
  /** Disconnects every socket of a session, on every node (through the adapter). */
  disconnectSession(room: string): void;
}

export function accountRoutes(options: AccountRoutesOptions): express.Router {
  const { accounts } = options;
  const allowed = new Set(options.allowedOrigins.map((origin) => normalizeOrigin(origin) ?? origin));
  const router = express.Router();
  const json = express.json({ limit: '4kb', type: () => true });

  const guardPost = (req: Request): void => {
    if (!isAllowedOrigin(req, allowed)) throw new AccountError('FORBIDDEN_ORIGIN', 'Cross-site requests are refused.');
    const type = (req.headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase();
    if (type !== 'application/json') {
      throw new AccountError('UNSUPPORTED_MEDIA_TYPE', 'Send the request as application/json.');
    }
  };

  const post = (path: string, handle: (req: Request, res: Response) => Promise<void>): void => {
    router.post(
      path,
      (req, res, next) => {
        try {
          guardPost(req);
          next();
        } catch (err) {
          sendError(res, err);
        }
      },
      json,
      (req, res) => {
        handle(req, res).catch((err: unknown) => sendError(res, err));
      },
    );
  };

  const signedIn = (req: Request, res: Response, status: number, result: SignedIn): void => {
    res.setHeader(
      'Set-Cookie',
      sessionCookie(result.token, {
        secure: isHttps(req, options.trustProxy),
        maxAgeMs: result.expiresAt - Date.now(),
      }),
    );
    res.status(status).json({ user: result.user });
  };

  post('/signup', async (req, res) => {
    signedIn(req, res, 201, await accounts.signUp(req.body));
  });

  /** The network a request came from, as the sign-in throttle counts it. */
  const addressOf = (req: Request): string =>
    networkOf(clientAddress(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for'], options.trustProxy));

  post('/login', async (req, res) => {
    signedIn(req, res, 200, await accounts.signIn(req.body, addressOf(req)));
  });

  post('/password', async (req, res) => {
    const ended = await accounts.changePassword(sessionTokenFrom(req.headers.cookie), req.body, addressOf(req));
    for (const sessionId of ended) options.disconnectSession(sessionRoom(sessionId));
    res.status(204).end();
  });

  post('/logout', async (req, res) => {
    const token = sessionTokenFrom(req.headers.cookie);
    const sessionId = token === undefined ? null : await accounts.signOut(token);
    if (sessionId !== null) options.disconnectSession(sessionRoom(sessionId));
    res.setHeader('Set-Cookie', sessionCookie('', { secure: isHttps(req, options.trustProxy), maxAgeMs: 0 }));
    res.status(204).end();
  });

  router.get('/me', (req, res) => {
    accounts.session(sessionTokenFrom(req.headers.cookie)).then(
      (session) => {
        res.setHeader('Cache-Control', 'no-store');
        if (session) res.json({ user: session.user });
        else sendError(res, new AccountError('UNAUTHENTICATED', 'Not signed in.'));
      },
      (err: unknown) => sendError(res, err),
    );
  });

  // Malformed JSON and oversized bodies arrive here from express.json.
  router.use((err: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: { code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' } });
      return;
    }
    sendError(res, err);
  });
  return router;
}

function sendError(res: Response, err: unknown): void {
  if (res.headersSent) return;
  if (err instanceof AccountError) {
    if (err.retryAfterMs !== undefined) res.setHeader('Retry-After', String(Math.ceil(err.retryAfterMs / 1000)));
    res.status(err.status).json({ error: { code: err.code, message: err.message } });
    return;
  }
  console.error('chat: account request failed:', err);
  res.status(500).json({ error: { code: 'SERVER_ERROR', message: 'The server could not complete this request.' } });
}

/** HTTPS to the chat, or (behind trusted proxies) to the proxy in front of it. */
function isHttps(req: IncomingMessage, trustProxy: number): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  if (trustProxy <= 0) return false;
  const proto = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',', 1)[0].trim().toLowerCase();
  return first === 'https';
}
