/**
 * The chat under load at smoke scale: the real chat process (apps/chat/dist) on SQLite, and on
 * PostgreSQL when it is reachable (always in CI), with signed-in socket.io-client users. Asserts
 * that messages were stored, delivered to every other member and that nothing was refused or
 * lost; never how fast: this is not a timed test.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '../../apps/chat/src/chat/request-limits.js';
import { CHAT_ENTRY } from '../src/chatload/chat-server.js';
import { buildChatLoadOptions, CHAT_SEND_BUDGET, MAX_RATE_PER_USER } from '../src/chatload/options.js';
import { LAYERS, layerOf } from '../src/chatload/profile.js';
import { renderChatLoadMarkdown } from '../src/chatload/report.js';
import { type ChatLoadResult, runChatLoad } from '../src/chatload/run.js';
import { ConfigError } from '../src/config.js';

describe('chat load options', () => {
  it('paces users within the chat’s own send budget', () => {
    expect(CHAT_SEND_BUDGET).toEqual(DEFAULT_BUDGETS.send);
    expect(MAX_RATE_PER_USER).toBeLessThan((DEFAULT_BUDGETS.send.limit / DEFAULT_BUDGETS.send.windowMs) * 1000);
    expect(() => buildChatLoadOptions({ users: 10, rooms: 2, ratePerSec: 100 })).toThrow(ConfigError);
    expect(buildChatLoadOptions({ users: 100, rooms: 5, ratePerSec: 100 }).ratePerSec).toBe(100);
  });

  it('charges profile frames to their layer, and leaves Node internals to their caller', () => {
    const server = 'file:///x/packages/server/dist/index.js';
    expect(layerOf(server, 'src/engine/socket.ts', 'send')).toBe('engine');
    expect(layerOf(server, 'src/adapter/in-memory-adapter.ts', 'broadcast')).toBe('adapter');
    expect(layerOf(server, 'src/namespace/namespace.ts', 'emit')).toBe('socket.io layer');
    expect(layerOf('file:///x/apps/chat/dist/main.js', 'src/store/sqlite.ts', 'insert')).toBe('store');
    expect(layerOf('file:///x/node_modules/node-sqlite3-wasm/dist/node-sqlite3-wasm.js', '', 'fsync')).toBe('store');
    expect(layerOf('node:net', '', 'writeGeneric')).toBeUndefined();
    expect(layerOf('', '', '(garbage collector)')).toBe('gc');
  });
});

describe('chat under load at smoke scale', () => {
  let result: ChatLoadResult;

  beforeAll(async () => {
    result = await runChatLoad(buildChatLoadOptions({ scale: 'quick', pin: false }));
  }, 180_000);

  it('stores and delivers every message on SQLite and PostgreSQL, none refused or lost', () => {
    const postgresSkipped = result.skipped.find((entry) => entry.store === 'postgres');
    if (postgresSkipped) {
      // Locally PostgreSQL may be missing; in CI it must be there.
      expect(process.env.CI, `PostgreSQL must be reachable in CI: ${postgresSkipped.reason}`).toBeFalsy();
    }
    expect(result.records.map((record) => record.store)).toEqual(postgresSkipped ? ['sqlite'] : ['sqlite', 'postgres']);
    for (const record of result.records) {
      expect(record.error, `${record.store} (chat build: ${CHAT_ENTRY})`).toBeUndefined();
      const run = record.result!;
      expect(run.stored, record.store).toBeGreaterThan(0);
      expect(run.delivered, record.store).toBeGreaterThan(0);
      expect(run.refused, record.store).toEqual({});
      expect(run.undelivered, record.store).toBe(0);
      expect(run.unanswered, record.store).toBe(0);
      expect(run.ackP99Ms, record.store).toBeGreaterThan(0);
      expect(run.deliveryP99Ms, record.store).toBeGreaterThan(0);
    }
  });

  it('reports where the chat spent its time, from its CPU profile', () => {
    for (const record of result.records) {
      const breakdown = record.breakdown!;
      expect(breakdown.samples, record.store).toBeGreaterThan(0);
      const shares = LAYERS.reduce((sum, layer) => sum + breakdown.busyShare[layer], 0);
      if (shares > 0) expect(shares).toBeCloseTo(1, 5);
    }
    const markdown = renderChatLoadMarkdown(result);
    expect(markdown).toContain('| store | stored/s | delivered/s |');
    expect(markdown).toContain('| sqlite |');
    expect(markdown).toContain('## Where the chat process spends its CPU');
  });
});
