import { describe, expect, it } from 'vitest';
import { clientTextFrame, readServerFrame } from '../src/loadgen/raw-client.js';
import { embeddedTimestamp, isAck, isPing } from '../src/loadgen/wire.js';
import { textFrame } from '../src/servers/floor/frame.js';

describe('load generator frame classification', () => {
  it('recognises acks and pings by their first bytes', () => {
    expect(isAck(Buffer.from('4312["x"]'))).toBe(true);
    expect(isPing(Buffer.from('2'))).toBe(true);
    expect(isPing(Buffer.from('2probe'))).toBe(false);
    expect(isAck(Buffer.from('42["echo","x"]'))).toBe(false);
  });

  it('reads the send timestamp embedded in a fan-out message', () => {
    expect(embeddedTimestamp(Buffer.from('42["chat message",{"t":1234.5678,"text":"hi"}]'))).toBe(1234.5678);
    expect(embeddedTimestamp(Buffer.from('42["chat message",{"text":"hi","t":17}]'))).toBe(17);
    expect(embeddedTimestamp(Buffer.from('42["chat message","no stamp"]'))).toBeNaN();
    const two = Buffer.from('42["chat message",{"t":1}]42["chat message",{"t":2}]');
    expect(embeddedTimestamp(two, 26, two.length)).toBe(2);
    expect(embeddedTimestamp(two, 0, 10)).toBeNaN();
  });
});

describe('floor server text frames', () => {
  it('uses the 7-bit, 16-bit and 64-bit length forms of RFC 6455', () => {
    const small = textFrame('42["a"]');
    expect([...small.subarray(0, 2)]).toEqual([0x81, 7]);
    expect(small.subarray(2).toString()).toBe('42["a"]');
    const medium = textFrame('x'.repeat(300));
    expect(medium[1]).toBe(126);
    expect(medium.readUInt16BE(2)).toBe(300);
    const large = textFrame('é'.repeat(40_000));
    expect(large[1]).toBe(127);
    expect(large.readBigUInt64BE(2)).toBe(80_000n);
    expect(large.length).toBe(10 + 80_000);
  });
});

describe('raw client framing', () => {
  it('locates complete server frames by offset, or nothing while bytes are missing', () => {
    const frame = textFrame('40{"sid":"abc"}');
    const joined = Buffer.concat([frame, textFrame('x'.repeat(200))]);
    const first = readServerFrame(joined);
    expect(first).toEqual({ opcode: 1, start: 2, end: frame.length });
    expect(joined.toString('utf8', first!.start, first!.end)).toBe('40{"sid":"abc"}');
    const second = readServerFrame(joined, first!.end);
    expect(second!.end - second!.start).toBe(200);
    expect(second!.end).toBe(joined.length);
    expect(readServerFrame(joined.subarray(0, first!.end + 50), first!.end)).toBeUndefined();
    expect(readServerFrame(Buffer.from([0x81]))).toBeUndefined();
  });

  it('masks client frames with a zero key, so the payload reads as is', () => {
    expect([...clientTextFrame('40')]).toEqual([0x81, 0x82, 0, 0, 0, 0, 0x34, 0x30]);
    const medium = clientTextFrame('y'.repeat(300));
    expect(medium[1]).toBe(0x80 | 126);
    expect(medium.readUInt16BE(2)).toBe(300);
    expect(medium.subarray(8).toString()).toBe('y'.repeat(300));
  });
});

describe('raw Socket.IO client reads', () => {
  // Every client reads into one shared buffer: a frame split across reads (and across clients'
  // reads in between) must still arrive whole, and the bytes of one read must not leak into another.
  it('reassembles frames split across reads, with two clients reading in turn', async () => {
    const { createServer } = await import('node:net');
    const { RawSocketIoClient, upgradeRequest } = await import('../src/loadgen/raw-client.js');
    const messages = ['42["m",1]', `42["m","${'x'.repeat(200)}"]`, '42["m",3]'];
    const frames = messages.map((m) => textFrame(m));
    const server = createServer((socket) => {
      socket.setNoDelay(true);
      let sent = false;
      socket.on('data', async (chunk) => {
        if (chunk.includes('GET ')) {
          socket.write('HTTP/1.1 101 Switching Protocols\r\n\r\n');
          socket.write(textFrame('0{"sid":"s"}'));
        } else if (!sent) {
          sent = true;
          socket.write(textFrame('40{"sid":"t"}'));
          // Each frame in pieces, far enough apart in time that every read starts with a piece:
          // the start of a frame waits in the client while the next read fills the shared buffer.
          for (const frame of frames) {
            for (const piece of [frame.subarray(0, 2), frame.subarray(2, 5), frame.subarray(5)]) {
              await new Promise((resolve) => setTimeout(resolve, 5));
              socket.write(piece);
            }
          }
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const got: string[][] = [[], []];
    const done = messages.length * 2;
    let count = 0;
    let finish: () => void = () => {};
    const all = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const clients = await Promise.all(
      [0, 1].map((i) =>
        RawSocketIoClient.connect({
          host: '127.0.0.1',
          port,
          localAddress: undefined,
          timeoutMs: 5000,
          request: upgradeRequest('127.0.0.1', port),
          onFrame: (_client, data, start, end) => {
            got[i].push(data.toString('utf8', start, end));
            if (++count === done) finish();
          },
        }),
      ),
    );
    try {
      await Promise.race([all, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 10_000))]);
      expect(got).toEqual([messages, messages]);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      server.close();
    }
  });
});
