import { runInNewContext } from 'node:vm';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';

// Bundles the package for browsers and runs it in a fresh V8 context with no Node globals
// (no Buffer, no process), as a page would.
function loadInBrowserLikeContext() {
  const { outputFiles } = buildSync({
    entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    globalName: 'parley',
    platform: 'browser',
    write: false,
  });
  const context: Record<string, unknown> = {};
  runInNewContext(outputFiles[0].text, context);
  return context.parley as typeof import('../src/index.js');
}

describe('@parley/protocol in a browser-like context', () => {
  const protocol = loadInBrowserLikeContext();

  it('has no Buffer to lean on', () => {
    expect(runInNewContext('typeof Buffer', {})).toBe('undefined');
  });

  it('round-trips a polling payload with binary as plain Uint8Arrays', () => {
    const body = protocol.encodePayload([
      { type: 'message', data: 'hello' },
      { type: 'message', data: new Uint8Array([1, 2, 3, 4]) },
    ]);
    expect(body).toBe('4hello\x1ebAQIDBA==');
    const [, binary] = protocol.decodePayload(body);
    expect(binary.data?.constructor.name).toBe('Uint8Array');
    expect(Array.from(binary.data as Uint8Array)).toEqual([1, 2, 3, 4]);
  });

  it('encodes and decodes a binary event', () => {
    const bytes = new Uint8Array([5, 6]);
    const encoded = protocol.encodePacket({ type: protocol.PacketType.EVENT, nsp: '/', data: ['file', bytes.buffer] });
    expect(encoded.text).toBe('51-["file",{"_placeholder":true,"num":0}]');
    const decoder = new protocol.Decoder();
    expect(decoder.add(encoded.text)).toBeUndefined();
    const packet = decoder.add(encoded.attachments[0]);
    const [, bytesBack] = (packet?.data ?? []) as [string, Uint8Array];
    expect(Array.from(bytesBack)).toEqual([5, 6]);
  });

  it('throws ProtocolError with a code for bad input', () => {
    try {
      protocol.decodeEnginePacket('b$$$$');
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe('INVALID_BASE64');
    }
  });
});
