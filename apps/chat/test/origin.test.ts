/**
 * The origin check of the realtime endpoint: a page from another site cannot open a WebSocket or
 * poll, whether it starts a session or reuses one; the chat's own pages, listed origins and
 * non-browser clients (no Origin header) can.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, readConfig } from '../src/config.js';
import { Harness, once, request, sessionCookieFor, waitFor } from './helpers.js';
import { RawPollingClient } from './raw-polling.js';

const EVIL = 'https://evil.example';
const FORBIDDEN = { code: 4, message: 'Forbidden' };

const harness = new Harness();
afterEach(() => harness.closeAll());

async function handshake(url: string, origin?: string): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, {
    headers: origin === undefined ? {} : { Origin: origin },
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** Opens a WebSocket to the endpoint with `origin`; resolves with the HTTP status of a refusal, or 101. */
function websocketStatus(url: string, origin: string, sid?: string): Promise<number> {
  const target = `${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket${sid ? `&sid=${sid}` : ''}`;
  return waitFor(
    10_000,
    () => 'no answer to the WebSocket request',
    (resolve) => {
      const ws = new WebSocket(target, { origin });
      ws.on('upgrade', () => {
        ws.terminate();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      ws.on('error', () => {});
      return () => {};
    },
  );
}

describe('origin check', () => {
  it('refuses another site’s handshake over polling and WebSocket, while others keep chatting', async () => {
    const { url } = await harness.startServer();
    const honest = await harness.connected(url, 'honest');
    const polling = await handshake(url, EVIL);
    expect(polling.status).toBe(403);
    expect(JSON.parse(polling.body)).toEqual(FORBIDDEN);
    expect(await websocketStatus(url, EVIL)).toBe(403);
    for (const transports of [['polling'], ['websocket']] as const) {
      const refused = harness.client(url, 'mallory', { transports: [...transports], headers: { Origin: EVIL } });
      await expect(once(refused, 'connect')).rejects.toThrow();
    }
    expect((await request(honest, 'rooms:list')).ok).toBe(true);
  });

  it('refuses another site’s requests on an existing session: polling and the WebSocket upgrade', async () => {
    const { url } = await harness.startServer();
    const session = await RawPollingClient.open(url, { headers: { Cookie: await sessionCookieFor(url, 'ada') } });
    await session.connect({ nick: 'ada' });
    await expect(session.poll({ Origin: EVIL })).rejects.toThrow(/poll failed: 403/);
    expect(await session.post(['42["rooms:list"]'], { Origin: EVIL })).toBe(403);
    expect(await websocketStatus(url, EVIL, session.sid)).toBe(403);
  });

  it('accepts the chat’s own origin and clients that send no Origin', async () => {
    const { url } = await harness.startServer();
    for (const transports of [['polling'], ['websocket'], ['polling', 'websocket']] as const) {
      const own = await harness.connected(url, 'ada', { transports: [...transports], headers: { Origin: url } });
      expect((await request(own, 'rooms:list')).ok).toBe(true);
    }
    expect((await handshake(url)).status).toBe(200);
    expect(await websocketStatus(url, url)).toBe(101);
  });

  it('accepts the origins listed in ALLOWED_ORIGINS, with CORS headers for polling', async () => {
    const { url } = await harness.startServer({ allowedOrigins: ['https://app.example'] });
    const listed = await handshake(url, 'https://app.example');
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const client = await harness.connected(url, 'ada', {
      transports: ['polling'],
      headers: { Origin: 'https://app.example' },
    });
    expect((await request(client, 'rooms:list')).ok).toBe(true);
    expect((await handshake(url, EVIL)).status).toBe(403);
  });

  it('reads ALLOWED_ORIGINS as comma-separated origins and refuses anything else', () => {
    expect(readConfig({ ALLOWED_ORIGINS: ' https://a.example , http://localhost:5173/' }).allowedOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(readConfig({}).allowedOrigins).toEqual([]);
    expect(() => readConfig({ ALLOWED_ORIGINS: 'a.example' })).toThrow(ConfigError);
    expect(() => readConfig({ ALLOWED_ORIGINS: 'null' })).toThrow(/ALLOWED_ORIGINS/);
  });
});
