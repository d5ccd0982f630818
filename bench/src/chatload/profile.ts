/**
 * "Where the time goes" in the chat process, from a V8 CPU profile (`--cpu-prof`): every sample
 * in the measured window is charged to the layer of the innermost stack frame that belongs to a
 * known layer. Frames of Node's own modules, builtins and unclassified packages are transparent,
 * so a socket write is charged to the engine that made it and an fsync to the store that asked.
 *
 * The chat and the Parley packages run as esbuild bundles; esbuild heads each source module with
 * a `// src/…` comment, which maps a function's line back to its source file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Layer = 'store' | 'adapter' | 'engine' | 'socket.io layer' | 'chat app' | 'gc' | 'other' | 'idle';

/** Report order. */
export const LAYERS: readonly Layer[] = ['store', 'adapter', 'engine', 'socket.io layer', 'chat app', 'gc', 'other'];

export const LAYER_NOTES: Readonly<Record<Layer, string>> = {
  store: 'SQLite (node-sqlite3-wasm, fsync included) or PostgreSQL (pg) and the chat store module',
  adapter: 'rooms and broadcasts: the in-memory adapter (or the Redis adapter)',
  engine: 'Engine.IO sessions, WebSocket framing and socket writes (ws, net)',
  'socket.io layer': 'namespaces, sockets, acks, packet encoding and decoding',
  'chat app': 'the chat handlers: validation, budgets, presence, accounts, express',
  gc: 'garbage collection',
  other: 'V8 and Node work with no project frame on the stack (timers, event loop)',
  idle: 'waiting for I/O',
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface TimeBreakdown {
  /** Milliseconds of samples per layer (idle included). */
  ms: Record<Layer, number>;
  /** Share of the busy (non-idle) time per layer, 0..1. */
  busyShare: Record<Layer, number>;
  /** Whether the window matched the profile's clock (else the whole profile was used). */
  windowed: boolean;
  samples: number;
}

const MARKER = /^\/\/ (\S+\.ts)$/;

/** For a bundled file: the line numbers where each source module starts, and its path. */
function moduleMarkers(url: string, cache: Map<string, [number, string][]>): [number, string][] {
  let markers = cache.get(url);
  if (markers) return markers;
  markers = [];
  if (url.startsWith('file://') && !url.includes('/node_modules/')) {
    try {
      const lines = readFileSync(fileURLToPath(url), 'utf8').split('\n');
      lines.forEach((line, index) => {
        const match = MARKER.exec(line);
        if (match) markers?.push([index, match[1]]);
      });
    } catch {
      // Unreadable: classified by its URL alone.
    }
  }
  cache.set(url, markers);
  return markers;
}

function sourceModule(url: string, line: number, cache: Map<string, [number, string][]>): string {
  let found = '';
  for (const [start, path] of moduleMarkers(url, cache)) {
    if (start > line) break;
    found = path;
  }
  return found;
}

/** The layer of one frame, or undefined when the frame is transparent. */
export function layerOf(url: string, source: string, functionName: string): Layer | undefined {
  if (url === '') {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === '(program)') return 'other';
    return undefined;
  }
  if (url.startsWith('wasm://') || /\/node_modules\/(node-sqlite3-wasm|pg|pg-[a-z-]+)\//.test(url)) return 'store';
  if (/\/node_modules\/(@redis|redis)\//.test(url) || url.includes('/packages/redis-adapter/')) return 'adapter';
  if (url.includes('/node_modules/ws/')) return 'engine';
  if (/\/node_modules\/(express|router|body-parser|raw-body|cookie)\//.test(url)) return 'chat app';
  if (url.includes('/packages/server/') || url.includes('/packages/protocol/')) {
    if (source.startsWith('src/engine/')) return 'engine';
    if (source.startsWith('src/adapter/')) return 'adapter';
    return 'socket.io layer';
  }
  if (url.includes('/apps/chat/')) return source.startsWith('src/store/') ? 'store' : 'chat app';
  return undefined;
}

export function summarizeProfile(file: string, windowMicros?: [number, number]): TimeBreakdown {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const markers = new Map<string, [number, string][]>();
  const layerCache = new Map<number, Layer>();
  const layerOfNode = (id: number): Layer => {
    const cached = layerCache.get(id);
    if (cached) return cached;
    let layer: Layer = 'other';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      const found = layerOf(frame.url, sourceModule(frame.url, frame.lineNumber, markers), frame.functionName);
      if (found) {
        layer = found;
        break;
      }
    }
    layerCache.set(id, layer);
    return layer;
  };

  const [from, to] = windowMicros ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const windowed = windowMicros !== undefined && from >= profile.startTime && from < profile.endTime;
  const ms = Object.fromEntries([...LAYERS, 'idle'].map((layer) => [layer, 0])) as Record<Layer, number>;
  let time = profile.startTime;
  let samples = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    time += delta;
    if (windowed && (time < from || time > to)) continue;
    ms[layerOfNode(profile.samples[i])] += delta / 1000;
    samples++;
  }
  const busy = LAYERS.reduce((sum, layer) => sum + ms[layer], 0);
  const busyShare = Object.fromEntries(
    [...LAYERS, 'idle'].map((layer) => [layer, layer === 'idle' || busy === 0 ? 0 : ms[layer as Layer] / busy]),
  ) as Record<Layer, number>;
  return { ms, busyShare, windowed, samples };
}
