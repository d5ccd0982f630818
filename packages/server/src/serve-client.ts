/**
 * Serves the browser client bundle (`<path>/socket.io.js`, `socket.io.min.js`,
 * `socket.io.esm.min.js` and their source maps) from the installed `@parley/client` package,
 * with an ETag, `304 Not Modified` and caching headers.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Server as HttpServer, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const BUNDLE_FILES = new Set([
  'socket.io.js',
  'socket.io.min.js',
  'socket.io.esm.min.js',
  'socket.io.js.map',
  'socket.io.min.js.map',
  'socket.io.esm.min.js.map',
]);

interface CachedFile {
  body: Buffer;
  etag: string;
  /** The body gzipped once, for clients that accept it (an ETag of its own, as it differs). */
  gzipped: Buffer;
  gzipEtag: string;
}

const gzipAsync = promisify(gzip);

/** Locates `@parley/client`'s `dist/bundle` directory, or undefined when it is not installed. */
export function defaultBundleDirectory(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@parley/client/package.json')), 'dist', 'bundle');
  } catch {
    return undefined;
  }
}

/** The bundle files of one directory, read once and kept with their ETag. */
export class ClientBundle {
  readonly #directory: string | undefined;
  readonly #cache = new Map<string, Promise<CachedFile | undefined>>();

  constructor(directory: string | undefined = defaultBundleDirectory()) {
    this.#directory = directory;
  }

  /** The bundle file a request path asks for, e.g. `socket.io.min.js`, or undefined. */
  static fileFor(url: string | undefined, path: string): string | undefined {
    if (url === undefined) return undefined;
    const query = url.indexOf('?');
    const pathname = query === -1 ? url : url.slice(0, query);
    if (!pathname.startsWith(`${path}/`)) return undefined;
    const file = pathname.slice(path.length + 1);
    return BUNDLE_FILES.has(file) ? file : undefined;
  }

  /** Answers a request for `file` (one of the bundle files). */
  async serve(file: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cached = await this.#read(file);
    if (cached === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${file} not found: the @parley/client bundle is not built or not installed\n`);
      return;
    }
    const useGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const etag = useGzip ? cached.gzipEtag : cached.etag;
    const headers: OutgoingHttpHeaders = {
      'Cache-Control': 'public, max-age=0',
      ETag: etag,
      Vary: 'Accept-Encoding',
      'Content-Type': file.endsWith('.map')
        ? 'application/json; charset=utf-8'
        : 'application/javascript; charset=utf-8',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const body = useGzip ? cached.gzipped : cached.body;
    if (useGzip) headers['Content-Encoding'] = 'gzip';
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  #read(file: string): Promise<CachedFile | undefined> {
    let cached = this.#cache.get(file);
    if (cached === undefined) {
      cached = this.#load(file);
      this.#cache.set(file, cached);
      // A missing file may be built later: do not remember the miss.
      cached.then((found) => found === undefined && this.#cache.delete(file));
    }
    return cached;
  }

  async #load(file: string): Promise<CachedFile | undefined> {
    if (this.#directory === undefined) return undefined;
    try {
      const body = await readFile(join(this.#directory, file));
      const hash = createHash('sha1').update(body).digest('base64url');
      return { body, etag: `"${hash}"`, gzipped: await gzipAsync(body), gzipEtag: `"${hash}-gz"` };
    } catch {
      return undefined;
    }
  }
}

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Answers the bundle's URLs before any of the HTTP server's request listeners see them (so an
 * application's catch-all route cannot answer them too); every other request passes through.
 * Returns the function that detaches the route.
 */
export function attachServe(
  httpServer: HttpServer,
  path: string,
  bundle: ClientBundle = new ClientBundle(),
): () => void {
  const originalEmit = httpServer.emit as Emit;
  const patchedEmit: Emit = function (this: HttpServer, event, ...args) {
    if (event === 'request') {
      const req = args[0] as IncomingMessage;
      const file = req.method === 'GET' || req.method === 'HEAD' ? ClientBundle.fileFor(req.url, path) : undefined;
      if (file !== undefined) {
        const res = args[1] as ServerResponse;
        bundle.serve(file, req, res).catch(() => {
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
        return true;
      }
    }
    return originalEmit.call(this, event, ...args);
  };
  (httpServer as { emit: Emit }).emit = patchedEmit;
  return () => {
    if (httpServer.emit === patchedEmit) (httpServer as { emit: Emit }).emit = originalEmit;
  };
}
