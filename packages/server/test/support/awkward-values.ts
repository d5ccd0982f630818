/**
 * Argument values whose encoding has rules of its own (dates, NaN and -0, `undefined` in arrays and
 * objects, `toJSON`, typed arrays and buffers, Map and Set, nested binary, astral characters, numbers
 * past 2^53): what a cluster adapter must carry as socket.io does. A fresh array on each call.
 */
export function awkwardValues(): unknown[] {
  return [
    new Date(0),
    [undefined, null, Number.NaN, -0, Number.POSITIVE_INFINITY],
    { u: undefined, n: null, j: { toJSON: () => 'as json' } },
    new Uint8Array([1, 2]),
    new Uint16Array([258]).buffer,
    new Map([['k', 1]]),
    new Set([1]),
    { nested: { deep: [Buffer.from([5]), { x: new Uint8Array([6]) }] } },
    'é😀',
    2 ** 60,
  ];
}
