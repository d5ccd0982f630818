import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Socket } from '../src/index.js';
import { connected, startServer, TRANSPORT_MODES, waitFor, within } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(TRANSPORT_MODES)('a malformed packet over %s', (mode) => {
  it.each([
    ['a BINARY_EVENT without attachment count', '5woooot', 'Illegal attachments'],
    ['an empty BINARY_EVENT', '5', 'Illegal attachments'],
    ['an event with a reserved name', '2["disconnecting"]', 'invalid payload'],
    ['an unknown packet type', '9hello', 'unknown packet type 9'],
  ])('%s: "error" on each socket of the connection, then it closes', async (_label, frame, message) => {
    const { io, url } = await startServer();
    const errors: string[] = [];
    const reasons: string[] = [];
    const onSocket = (s: Socket) => {
      s.on('error', (err: Error) => errors.push(`${s.nsp.name}: ${err.message}`));
      s.on('disconnect', (reason: string) => reasons.push(`${s.nsp.name}: ${reason}`));
    };
    io.on('connection', onSocket);
    io.of('/chat').on('connection', onSocket);
    const main = await connected(url, mode);
    const chat = main.io.socket('/chat');
    await waitFor(chat, 'connect');
    const closed = waitFor(main, 'disconnect');
    main.io.engine.send(frame);
    await within(closed, 5000, 'the client to be disconnected');
    await vi.waitFor(() => expect(reasons.length).toBe(2), { timeout: 5000 });
    expect(errors.sort()).toEqual([`/: ${message}`, `/chat: ${message}`]);
    expect(reasons.sort()).toEqual(['/: forced close', '/chat: forced close']);
  });

  it('without an error listener: one log line at most, and the server goes on', async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { io, url } = await startServer();
    io.on('connection', (s: Socket) => s.on('echo', (x: unknown, ack: (x: unknown) => void) => ack(x)));
    for (let i = 0; i < 5; i++) {
      const bad = await connected(url, mode);
      const closed = waitFor(bad, 'disconnect');
      bad.io.engine.send('5woooot');
      await within(closed, 5000, 'the bad client to be disconnected');
    }
    const good = await connected(url, mode);
    expect(await good.timeout(5000).emitWithAck('echo', 'ok')).toBe('ok');
    expect(logged.length).toBeLessThanOrEqual(1);
    if (logged.length === 1) expect(String(logged[0][0])).toContain('malformed packet');
  });
});
