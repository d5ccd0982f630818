/**
 * Serves the browser client bundle (`<path>/socket.io.js`, `socket.io.min.js`,
 * `socket.io.esm.min.js`, `socket.io.msgpack.min.js` and their source maps) from the installed
 * `@parley/client` package, as socket.io serves its own: the ETag is the quoted version of this
 * package, a matching `If-None-Match` (strong or weak) gets a 304, the body is compressed with
 * brotli, gzip or deflate as `Accept-Encoding` asks, and the `cors` option applies.
 */
import { readFile } from 'node:fs/promises';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Middleware } from '../engine-binding.js';
import { type BundleEncoding, compressBundleFile, negotiateBundleEncoding } from './serve-client-encoding.js';

const BUNDLES = ['socket.io.js', 'socket.io.min.js', 'socket.io.esm.min.js', 'socket.io.msgpack.min.js'];
/** The files served: each bundle and its source map. */
const BUNDLE_FILES = new Set(BUNDLES.flatMap((bundle) => [bundle, `${bundle}.map`]));

/** A bundle file read once, with each compressed form made on first demand and kept. */
interface CachedFile {
  body: Buffer;
  encoded: Map<BundleEncoding, Promise<Buffer>>;
}

const requireHere = createRequire(import.meta.url);

/** Locates `@parley/client`'s `dist/bundle` directory, or undefined when it is not installed. */
export function defaultBundleDirectory(): string | undefined {
  try {
    return join(dirname(requireHere.resolve('@parley/client/package.json')), 'dist', 'bundle');
  } catch {
    return undefined;
  }
}

/**
 * The ETag of the bundle: this package's version, quoted, as socket.io uses its own version.
 * The bundle ships with the server package, so the version changes whenever the bundle may.
 */
export const BUNDLE_ETAG = `"${(requireHere('@parley/server/package.json') as { version: string }).version}"`;
const WEAK_BUNDLE_ETAG = `W/${BUNDLE_ETAG}`;

/** The bundle files of one directory, read once. */
export class ClientBundle {
  readonly #directory: string | undefined;
  readonly #cache = new Map<string, Promise<CachedFile | undefined>>();

  constructor(directory: string | undefined = defaultBundleDirectory()) {
    this.#directory = directory;
  }

  /**
   * The bundle file a request URL asks for, e.g. `socket.io.min.js`, or undefined. As in
   * socket.io, the file name is what follows `<path>/`, up to the query.
   */
  static fileFor(url: string | undefined, path: string): string | undefined {
    if (url === undefined || !url.startsWith(`${path}/`)) return undefined;
    const rest = url.slice(path.length + 1);
    const query = rest.indexOf('?');
    const file = query === -1 ? rest : rest.slice(0, query);
    return BUNDLE_FILES.has(file) ? file : undefined;
  }

  /** Answers a request for `file` (one of the bundle files). */
  async serve(file: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch === BUNDLE_ETAG || ifNoneMatch === WEAK_BUNDLE_ETAG) {
      res.writeHead(304);
      res.end();
      return;
    }
    const cached = await this.#read(file);
    if (cached === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${file} not found: the @parley/client bundle is not built or not installed\n`);
      return;
    }
    const encoding = negotiateBundleEncoding(req.headers['accept-encoding']);
    const body = encoding === undefined ? cached.body : await this.#encoded(cached, encoding);
    res.setHeader('Cache-Control', 'public, max-age=0');
    res.setHeader('Content-Type', `application/${file.endsWith('.map') ? 'json' : 'javascript'}; charset=utf-8`);
    res.setHeader('ETag', BUNDLE_ETAG);
    // Not in socket.io's answer, but without it a shared cache could hand brotli to anyone. Added
    // to what the `cors` middleware put there (`Origin`), as socket.io's answer keeps that.
    const vary = res.getHeader('Vary');
    res.setHeader('Vary', vary === undefined || vary === '' ? 'Accept-Encoding' : `${String(vary)}, Accept-Encoding`);
    if (encoding !== undefined) res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', body.length);
    res.writeHead(200);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  #encoded(cached: CachedFile, encoding: BundleEncoding): Promise<Buffer> {
    let encoded = cached.encoded.get(encoding);
    if (encoded === undefined) {
      encoded = compressBundleFile(encoding, cached.body);
      cached.encoded.set(encoding, encoded);
    }
    return encoded;
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
      return { body: await readFile(join(this.#directory, file)), encoded: new Map() };
    } catch {
      return undefined;
    }
  }
}

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Answers the bundle's URLs (whatever the method, as socket.io does) before any of the HTTP
 * server's request listeners see them, so that an application's catch-all route cannot answer
 * them too; every other request passes through, URLs under the path going on to the engine.
 * `cors`, when given, runs first: it adds its headers and answers preflight requests.
 * Returns the function that detaches the route.
 */
export function attachServe(
  httpServer: HttpServer,
  path: string,
  bundle: ClientBundle = new ClientBundle(),
  cors?: Middleware,
): () => void {
  const originalEmit = httpServer.emit as Emit;
  const serve = (file: string, req: IncomingMessage, res: ServerResponse): void => {
    bundle.serve(file, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const patchedEmit: Emit = function (this: HttpServer, event, ...args) {
    if (event === 'request') {
      const req = args[0] as IncomingMessage;
      const file = ClientBundle.fileFor(req.url, path);
      if (file !== undefined) {
        const res = args[1] as ServerResponse;
        if (cors === undefined) serve(file, req, res);
        else cors(req, res, () => serve(file, req, res));
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
