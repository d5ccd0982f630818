import { afterEach, describe, expect, it } from 'vitest';
import { Harness, once, waitFor } from './helpers.js';

const harness = new Harness();
afterEach(() => harness.closeAll());

const TOKEN = 'scrape-secret-1234';

describe('GET /metrics', () => {
  it('answers 401 without the bearer token and the Prometheus text format with it', async () => {
    const { server, url } = await harness.startServer({ metricsToken: TOKEN, requireAccount: false });
    const socket = harness.client(url, 'Ada Lovelace');
    await once(socket, 'connect');

    const anonymous = await fetch(`${url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(`${url}/metrics`, { headers: { Authorization: 'Bearer scrape-secret-123X' } });
    expect(wrong.status).toBe(401);

    const scraped = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scraped.text();
    expect(text).toContain('# TYPE parley_connections_total counter');
    expect(text).toMatch(/^parley_connections_total 1$/m);
    expect(text).toMatch(/^parley_connections_open 1$/m);
    expect(text).toMatch(/^parley_sockets\{namespace="\/"\} 1$/m);
    expect(Number(/^parley_bytes_out_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    expect(Number(/^parley_packets_in_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);

    const gone = once(socket, 'disconnect');
    // The server sees the disconnect shortly after the client, and counts it before its own event.
    const serverSide = server.io.sockets.sockets.get(socket.id ?? '');
    if (!serverSide) throw new Error('no server-side socket');
    const counted = waitFor(
      10_000,
      () => 'Timed out waiting for the server to see the disconnect',
      (resolve) => {
        serverSide.once('disconnect', resolve);
        return () => serverSide.off('disconnect', resolve);
      },
    );
    socket.disconnect();
    await gone;
    await counted;
    const after = await (await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text();
    expect(after).toMatch(/^parley_disconnects_total\{reason="client namespace disconnect"\} 1$/m);
  });

  it('does not exist when no token is configured', async () => {
    const { url } = await harness.startServer({ requireAccount: false });
    const response = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(404);
  });
});
