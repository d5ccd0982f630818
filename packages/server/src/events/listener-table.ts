/**
 * A fast-mode table for an EventEmitter's listeners.
 *
 * Node's emitter creates its table as `{ __proto__: null }`, which V8 keeps as a dictionary
 * (about 180 bytes with two event names). A socket (ours, or the `ws` WebSocket under it) lives
 * as long as its connection and almost always gets the same few listeners in the same order,
 * so a table whose properties V8 keeps in a shared hidden class costs a third of that. The prototype has no properties at all, so
 * no event name (`constructor`, `toString`, `__proto__`) finds an inherited value, just as
 * with Node's own table.
 */
type ListenerTable = Record<string | symbol, unknown>;

const ListenerTableConstructor = function ListenerTable() {} as unknown as new () => ListenerTable;
ListenerTableConstructor.prototype = Object.create(null);

/**
 * Gives `emitter` a fast-mode listener table. Listeners it already has move to the new table;
 * the count Node keeps beside the table (`_eventsCount`) stays right.
 */
export function useFastListenerTable(emitter: object): void {
  const holder = emitter as { _events?: ListenerTable };
  const table = new ListenerTableConstructor();
  const existing = holder._events;
  if (existing !== undefined) for (const key of Reflect.ownKeys(existing)) table[key] = existing[key];
  holder._events = table;
}
