/**
 * Small stand-ins for the browser globals the page's logic modules touch (public/js): a
 * localStorage kept in a Map, and a window whose events a test dispatches itself. Tests run in
 * Node, so the page's modules are exercised without a DOM.
 */
import { vi } from 'vitest';

export class FakeStorage {
  readonly #values = new Map<string, string>();

  getItem(key: string): string | null {
    return this.#values.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.#values.set(key, value);
  }

  removeItem(key: string): void {
    this.#values.delete(key);
  }
}

type Listener = (event: { key?: string }) => void;

export class FakeWindow {
  readonly #listeners = new Map<string, Listener[]>();

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  /** Runs the listeners of `type`, as the browser would. */
  dispatch(type: string, event: { key?: string } = {}): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
}

/** Installs a fresh localStorage and window as globals; vi.unstubAllGlobals() removes them. */
export function stubBrowser(storage = new FakeStorage()): { storage: FakeStorage; window: FakeWindow } {
  const window = new FakeWindow();
  vi.stubGlobal('localStorage', storage);
  vi.stubGlobal('window', window);
  return { storage, window };
}
