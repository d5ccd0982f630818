/**
 * Which Engine.IO protocol revision a request speaks. As in engine.io, only `EIO=4` is v4:
 * anything else, or no `EIO` at all, is v3, which is served only with `allowEIO3`.
 */
export type EngineProtocol = 3 | 4;

export function protocolOf(query: Readonly<Record<string, string>>): EngineProtocol {
  return query.EIO === '4' ? 4 : 3;
}
