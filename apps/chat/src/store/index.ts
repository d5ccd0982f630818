import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { ChatStore } from './types.js';

export type {
  AppendResult,
  Attachment,
  ChangesPage,
  ChatMessage,
  ChatStore,
  MessagePage,
  NewFile,
  NewMessage,
  NewRoomOptions,
  NewSession,
  NewUser,
  ReactionRequest,
  ReactionResult,
  ReactionSummary,
  ReplyPreview,
  RoomInfo,
  RoomKind,
  RoomReadState,
  SearchQuery,
  SessionInfo,
  StoredFile,
  User,
  UserCredentials,
} from './types.js';
export { DEFAULT_ROOM, StoreError } from './types.js';
export { PostgresStore, SqliteStore };

/** PostgreSQL when a DATABASE_URL is configured (shared by several nodes), else the local SQLite file. */
export function createStore(config: {
  databaseUrl: string | undefined;
  databaseSchema?: string | undefined;
  sqliteFile: string;
}): ChatStore {
  if (!config.databaseUrl) return new SqliteStore(config.sqliteFile);
  return new PostgresStore({
    connectionString: config.databaseUrl,
    ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
  });
}
