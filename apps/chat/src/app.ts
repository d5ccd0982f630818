/**
 * The chat server: Express for the page, the realtime server on the same http.Server, and the store.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { Accounts, type AccountsOptions } from './accounts/accounts.js';
import { accountRoutes } from './accounts/routes.js';
import { authenticateSockets } from './accounts/socket-auth.js';
import { attachChat } from './chat/handlers.js';
import { type Identify, identityFunction } from './chat/identity.js';
import type { RequestBudgets } from './chat/request-limits.js';
import type { Heartbeat } from './config.js';
import { metricsHandler } from './metrics-route.js';
import { guardOrigins } from './origin-check.js';
import {
  type ClusterOptions,
  createAdapter,
  createRealtimeServer,
  REALTIME_PATH,
  type RealtimeServer,
} from './realtime.js';
import type { ChatStore } from './store/index.js';
import { FILES_PATH, fileRoute } from './uploads/file-route.js';
import { fileStorage } from './uploads/file-storage.js';
import { type OrphanSweeper, startOrphanSweep } from './uploads/orphan-sweep.js';

export interface ChatServerOptions {
  store: ChatStore;
  port: number;
  host: string;
  /** Join a cluster of chat nodes through Redis (the store must then be shared: PostgreSQL). */
  cluster?: ClusterOptions;
  /** Called with the realtime server before it joins the cluster, e.g. to log adapter events. */
  onRealtimeServer?: (io: RealtimeServer) => void;
  /** Origins allowed to use the realtime endpoint besides the chat's own (default none). */
  allowedOrigins?: readonly string[];
  /** Trusted reverse proxies in front of the chat, for the client address (default 0). */
  trustProxy?: number;
  /** Whom requests count against (default: `socket.data.userId`, else the client address). */
  identify?: Identify;
  /** Overrides of the per-identity request budgets. */
  budgets?: Partial<RequestBudgets>;
  /**
   * Refuse realtime connections without a signed-in session (default true). False lets a client
   * without a session chat under a free nickname, as before accounts existed.
   */
  requireAccount?: boolean;
  /** Sign-in throttling and session lifetime. */
  accounts?: AccountsOptions;
  /** Serve `/metrics` (Prometheus text) to requests bearing this token; unset, there is no `/metrics`. */
  metricsToken?: string;
  /** Client heartbeats (default socket.io's: a ping every 25 s, 20 s to answer). */
  heartbeat?: Heartbeat;
  /** Idle or hidden time after which a page reports itself away (default 5 minutes). */
  awayAfterMs?: number;
  /**
   * Largest upload in bytes (default 5 MB), and a directory to keep files in (default: the store).
   * Files there that no stored row points at are erased at start and hourly, once `orphanSweep.minAgeMs`
   * old (default 1 hour; see uploads/orphan-sweep.ts).
   */
  uploads?: { maxBytes?: number; dir?: string; orphanSweep?: { minAgeMs?: number; everyMs?: number } };
}

export interface ChatServer {
  /** The URL to open in a browser (localhost when listening on every interface). */
  readonly url: string;
  readonly port: number;
  readonly io: RealtimeServer;
  close(): Promise<void>;
}

/** Works from src/ (tests) and from dist/ (the built app): both sit beside public/. */
const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));

// The page never needs inline script or any third-party origin; a tight policy makes an injection
// bug inert even if one slipped past the text-only rendering.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function createApp(
  api?: express.Router,
  metrics?: express.RequestHandler,
  files?: express.RequestHandler,
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  if (metrics) app.get('/metrics', metrics);
  if (api) app.use('/api', api);
  if (files) app.get([`${FILES_PATH}/:id`, `${FILES_PATH}/:id/:name`], files);
  app.use(express.static(PUBLIC_DIR, { index: 'index.html' }));
  return app;
}

/** Opens the store (and the cluster link), starts listening, and resolves once the chat accepts connections. */
export async function startChatServer(options: ChatServerOptions): Promise<ChatServer> {
  await options.store.init();
  const cluster = await createAdapter(options.cluster).catch(async (err: unknown) => {
    await options.store.close();
    throw err;
  });
  const accounts = new Accounts(options.store, options.accounts);
  let realtime: RealtimeServer | undefined;
  const api = accountRoutes({
    accounts,
    allowedOrigins: options.allowedOrigins ?? [],
    trustProxy: options.trustProxy ?? 0,
    // Through the adapter: the session's sockets on every node are disconnected.
    disconnectSession: (room) => {
      realtime?.in(room).disconnectSockets(true);
    },
  });
  const metrics =
    options.metricsToken === undefined ? undefined : metricsHandler(options.metricsToken, () => realtime?.metrics());
  const files = fileRoute({
    store: options.store,
    accounts,
    storage: fileStorage(options.uploads?.dir),
    requireAccount: options.requireAccount ?? true,
  });
  const httpServer = createServer(createApp(api, metrics, files));
  const io = createRealtimeServer(httpServer, cluster?.adapter, options.allowedOrigins, options.heartbeat);
  realtime = io;
  authenticateSockets(io, accounts, { required: options.requireAccount ?? true });
  // After the realtime server attached: the guard must see each request before it does.
  const unguard = guardOrigins(httpServer, REALTIME_PATH, { allowedOrigins: options.allowedOrigins ?? [] });
  options.onRealtimeServer?.(io);
  const chat = attachChat(io, options.store, {
    identify: options.identify ?? identityFunction({ trustProxy: options.trustProxy }),
    budgets: options.budgets,
    awayAfterMs: options.awayAfterMs,
    uploads: options.uploads,
  });
  let sweeper: OrphanSweeper | undefined;
  const shutdown = async () => {
    await sweeper?.stop();
    chat.close();
    unguard();
    httpServer.closeAllConnections();
    // The server first (its adapter says goodbye to the other nodes), then Redis, then the store.
    await io.close();
    await cluster?.close();
    await options.store.close();
  };
  try {
    // Subscribed to the cluster before the first client arrives, so no broadcast is missed.
    await io.of('/').adapter.init();
    await listen(httpServer, options.port, options.host);
    const routingOff = await cluster?.routeSessions(io);
    if (routingOff) console.warn(`cluster: session routing is off (${routingOff})`);
    const dir = options.uploads?.dir;
    if (dir) sweeper = startOrphanSweep({ dir, store: options.store, ...options.uploads?.orphanSweep });
  } catch (err) {
    await shutdown();
    throw err;
  }
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = ['0.0.0.0', '::', ''].includes(options.host) ? 'localhost' : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    port,
    io,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

function listen(server: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
