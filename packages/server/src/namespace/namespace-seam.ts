/**
 * The seam between a namespace and the parts around it (its sockets, the adapter host, dynamic
 * parents, the server): what they use of it beyond its public API. The Namespace class fills it
 * in from its private members, so it never shows in the published types; it sits in a module of
 * its own, which imports types only, so sockets reach it with no runtime import of namespace.ts
 * (which imports socket.ts).
 *
 * `nextAckId` and `internalsOf` run for emits: each is one call on this module-level object, which
 * allocates nothing and looks nothing up.
 */
import type { ServerInternals } from '../server-internals.js';
import type { AnyNamespace } from './namespace.js';

export interface NamespaceSeam {
  /** The next ack id: ack ids are per namespace, so broadcast acks and per-socket acks never clash. */
  nextAckId(nsp: AnyNamespace): number;
  /** The server's internals, kept by the namespace so that emits need no lookup. */
  internalsOf(nsp: AnyNamespace): ServerInternals;
  /** Gives `child` (a dynamic child namespace) a copy of `parent`'s connection middlewares. */
  copyMiddlewares(parent: AnyNamespace, child: AnyNamespace): void;
  /** Sets (or, with undefined, clears) what runs when `nsp`'s last socket leaves. */
  setOnEmpty(nsp: AnyNamespace, onEmpty: (() => void) | undefined): void;
  /** Tells `new_namespace` listeners of `main` (the main namespace) about `created`. */
  emitNewNamespace(main: AnyNamespace, created: AnyNamespace): void;
}

/** Filled in once, when namespace.ts is evaluated (see the static block of `Namespace`). */
export const namespaceSeam = {} as NamespaceSeam;
