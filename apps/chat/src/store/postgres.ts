/**
 * PostgreSQL store, used when DATABASE_URL is set: several chat nodes share one database.
 */
import pg from 'pg';
import {
  ATTACHMENTS_SCHEMA_POSTGRES,
  appendMessageWithFilePostgres,
  existingFileIdsPostgres,
  findFilePostgres,
} from './attachments-postgres.js';
import { PostgresAppendBatch } from './postgres-append-batch.js';
import * as changes from './postgres-changes.js';
import {
  POSTGRES_ADD_MENTION,
  POSTGRES_MARK_READ,
  POSTGRES_READ_STATE_SCHEMA,
  POSTGRES_READ_STATES,
  POSTGRES_SET_MUTED,
  toReadState,
} from './read-state-sql.js';
import { MESSAGE_COLUMNS, pageOf, ROOM_COLUMNS, toRoom, toUser, USER_COLUMNS } from './rows.js';
import { SEARCH_SCHEMA_POSTGRES, searchPostgres } from './search-postgres.js';
import {
  type AppendResult,
  type ChangesPage,
  type ChatMessage,
  type ChatStore,
  DEFAULT_ROOM,
  type MessagePage,
  type NewFile,
  type NewMessage,
  type NewRoomOptions,
  type NewSession,
  type NewUser,
  type ReactionRequest,
  type ReactionResult,
  type RoomInfo,
  type RoomReadState,
  type SearchQuery,
  type SessionInfo,
  type StoredFile,
  StoreError,
  type User,
  type UserCredentials,
} from './types.js';

export interface PostgresStoreOptions {
  connectionString: string;
  /** A schema to create and use instead of `public` (tests isolate themselves this way). */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rooms (
  name TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
  id BIGSERIAL PRIMARY KEY,
  room TEXT NOT NULL REFERENCES rooms(name),
  nick TEXT NOT NULL,
  text TEXT NOT NULL,
  ts BIGINT NOT NULL,
  client_id TEXT
);
CREATE INDEX IF NOT EXISTS messages_by_room ON messages(room, id);
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client ON messages(room, nick, client_id);
-- Added with accounts; a database from before keeps its messages (null here, old nickname shown).
ALTER TABLE messages ADD COLUMN IF NOT EXISTS username TEXT;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS user_id BIGINT;
CREATE TABLE IF NOT EXISTS users (
  id BIGSERIAL PRIMARY KEY,
  username TEXT NOT NULL,
  username_key TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
ALTER TABLE rooms ADD COLUMN IF NOT EXISTS kind TEXT NOT NULL DEFAULT 'public';
ALTER TABLE rooms ADD COLUMN IF NOT EXISTS owner_id BIGINT;
CREATE TABLE IF NOT EXISTS room_members (
  room TEXT NOT NULL REFERENCES rooms(name),
  user_id BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (room, user_id)
);
CREATE INDEX IF NOT EXISTS room_members_by_user ON room_members(user_id, room);
CREATE TABLE IF NOT EXISTS sessions (
  id BIGSERIAL PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
`;

/** Advisory lock keys (arbitrary constants private to this app). */
const SCHEMA_LOCK = 7_310_001;
const APPEND_LOCK = 7_310_002;

export class PostgresStore implements ChatStore {
  readonly #pool: pg.Pool;
  readonly #schema: string | undefined;
  readonly #appends: PostgresAppendBatch;
  #closing: Promise<void> | undefined;

  constructor(options: PostgresStoreOptions) {
    if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
      throw new StoreError('STORE_FAILED', `Invalid schema name ${options.schema}`);
    }
    this.#schema = options.schema;
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      connectionTimeoutMillis: 5_000,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.#pool.on('error', () => {});
    this.#appends = new PostgresAppendBatch((work) => this.#appendTransaction(work));
  }

  async init(): Promise<void> {
    await this.#transaction(async (client) => {
      // Nodes starting together would race on CREATE TABLE IF NOT EXISTS; serialize them.
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      if (this.#schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.#schema}`);
      await client.query(SCHEMA);
      await client.query(changes.POSTGRES_CHANGES_SCHEMA);
      await client.query(POSTGRES_READ_STATE_SCHEMA);
      await client.query(SEARCH_SCHEMA_POSTGRES);
      await client.query(ATTACHMENTS_SCHEMA_POSTGRES);
      await client.query('INSERT INTO rooms(name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
        DEFAULT_ROOM,
        Date.now(),
      ]);
    });
  }

  async listRooms(userId: string | null = null): Promise<RoomInfo[]> {
    const { rows } = await this.#pool.query(
      `SELECT ${ROOM_COLUMNS}, CASE WHEN kind <> 'public' THEN (SELECT string_agg(u.username, ',')
         FROM room_members m JOIN users u ON u.id = m.user_id WHERE m.room = rooms.name) END AS members
       FROM rooms WHERE kind = 'public' OR name IN (SELECT room FROM room_members WHERE user_id = $1) ORDER BY name`,
      [userId],
    );
    return rows.map(toRoom);
  }

  async roomExists(name: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('SELECT 1 FROM rooms WHERE name = $1', [name]);
    return (rowCount ?? 0) > 0;
  }

  async roomAccess(name: string, userId: string | null): Promise<{ room: RoomInfo; member: boolean } | null> {
    const { rows } = await this.#pool.query(
      `SELECT ${ROOM_COLUMNS}, EXISTS (SELECT 1 FROM room_members m WHERE m.room = rooms.name AND m.user_id = $1) AS member
       FROM rooms WHERE name = $2`,
      [userId, name],
    );
    return rows[0] ? { room: toRoom(rows[0]), member: rows[0].member === true } : null;
  }

  async createRoom(
    name: string,
    ts: number,
    options: NewRoomOptions = { kind: 'public', ownerId: null, members: [] },
  ): Promise<{ room: RoomInfo; created: boolean }> {
    return this.#transaction(async (client) => {
      const inserted = await client.query(
        `INSERT INTO rooms(name, created_at, kind, owner_id) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING
         RETURNING ${ROOM_COLUMNS}`,
        [name, ts, options.kind, options.ownerId],
      );
      if (inserted.rows[0]) {
        for (const member of options.members) {
          await client.query('INSERT INTO room_members(room, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
            name,
            member,
          ]);
        }
        return { room: toRoom(inserted.rows[0]), created: true };
      }
      const existing = await client.query(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE name = $1`, [name]);
      if (!existing.rows[0]) throw new StoreError('STORE_FAILED', `Room ${name} vanished while being created`);
      return { room: toRoom(existing.rows[0]), created: false };
    });
  }

  async addMember(room: string, userId: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      'INSERT INTO room_members(room, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [room, userId],
    );
    return (rowCount ?? 0) > 0;
  }

  async removeMember(room: string, userId: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM room_members WHERE room = $1 AND user_id = $2', [
      room,
      userId,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async findUser(username: string): Promise<User | null> {
    const { rows } = await this.#pool.query(`SELECT ${USER_COLUMNS} FROM users WHERE username_key = $1`, [
      username.toLowerCase(),
    ]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Stored in a group commit with the messages sent meanwhile (see postgres-append-batch.ts). */
  appendMessage(message: NewMessage): Promise<AppendResult> {
    return this.#appends.add(message);
  }

  async latest(room: string, limit: number): Promise<MessagePage> {
    const { rows } = await this.#pool.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1 ORDER BY id DESC LIMIT $2`,
      [room, limit + 1],
    );
    return pageOf(rows, limit, true);
  }

  async before(room: string, beforeId: number, limit: number): Promise<MessagePage> {
    const { rows } = await this.#pool.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
      [room, beforeId, limit + 1],
    );
    return pageOf(rows, limit, true);
  }

  async after(room: string, afterId: number, limit: number): Promise<MessagePage> {
    const { rows } = await this.#pool.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1 AND id > $2 ORDER BY id ASC LIMIT $3`,
      [room, afterId, limit + 1],
    );
    return pageOf(rows, limit, false);
  }

  async createUser(user: NewUser): Promise<User | null> {
    const { rows } = await this.#pool.query(
      `INSERT INTO users(username, username_key, password_hash, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username_key) DO NOTHING RETURNING ${USER_COLUMNS}`,
      [user.username, user.username.toLowerCase(), user.passwordHash, user.createdAt],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findUserCredentials(username: string): Promise<UserCredentials | null> {
    const { rows } = await this.#pool.query(
      `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE username_key = $1`,
      [username.toLowerCase()],
    );
    return rows[0] ? { user: toUser(rows[0]), passwordHash: String(rows[0].password_hash) } : null;
  }

  async createSession(session: NewSession): Promise<void> {
    await this.#pool.query(
      'INSERT INTO sessions(token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [session.tokenHash, session.userId, session.createdAt, session.expiresAt],
    );
  }

  async findSession(tokenHash: string, now: number): Promise<SessionInfo | null> {
    const { rows } = await this.#pool.query(
      `SELECT s.id AS session_id, s.expires_at, u.id, u.username, u.created_at
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2`,
      [tokenHash, now],
    );
    const row = rows[0];
    return row ? { id: String(row.session_id), user: toUser(row), expiresAt: Number(row.expires_at) } : null;
  }

  async deleteSession(tokenHash: string): Promise<string | null> {
    const { rows } = await this.#pool.query('DELETE FROM sessions WHERE token_hash = $1 RETURNING id', [tokenHash]);
    return rows[0] ? String(rows[0].id) : null;
  }

  changePassword(userId: string, passwordHash: string, keepTokenHash: string): Promise<string[]> {
    return this.#transaction(async (client) => {
      const updated = await client.query('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, userId]);
      if (updated.rowCount === 0) return [];
      const { rows } = await client.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2 RETURNING id', [
        userId,
        keepTokenHash,
      ]);
      return rows.map((row) => String(row.id));
    });
  }

  // ---- message changes (postgres-changes.ts)

  roomRevision(room: string): Promise<number> {
    return changes.roomRevision(this.#pool, room);
  }

  messagesByIds(room: string, ids: readonly number[]): Promise<ChatMessage[]> {
    return changes.messagesByIds(this.#pool, room, ids);
  }

  editMessage(room: string, id: number, text: string, ts: number): Promise<ChatMessage | null> {
    return changes.editMessage((work) => this.#transaction(work), room, id, text, ts);
  }

  deleteMessage(room: string, id: number, ts: number): Promise<ChatMessage | null> {
    return changes.deleteMessage((work) => this.#transaction(work), room, id, ts);
  }

  setReaction(...request: ReactionRequest): Promise<ReactionResult | null> {
    return changes.setReaction((work) => this.#transaction(work), ...request);
  }

  changesSince(room: string, since: number, limit: number): Promise<ChangesPage> {
    return changes.changesSince(this.#pool, room, since, limit);
  }

  async markRead(userId: string, room: string, messageId: number): Promise<number> {
    const { rows } = await this.#pool.query(POSTGRES_MARK_READ, [userId, room, messageId]);
    return Number(rows[0]?.last_read ?? 0);
  }

  async addMentions(room: string, messageId: number, userIds: string[]): Promise<void> {
    for (const userId of userIds) await this.#pool.query(POSTGRES_ADD_MENTION, [userId, room, messageId]);
  }

  async setMuted(userId: string, room: string, muted: boolean): Promise<void> {
    await this.#pool.query(POSTGRES_SET_MUTED, [userId, room, muted]);
  }

  async readStates(userId: string): Promise<RoomReadState[]> {
    const { rows } = await this.#pool.query(POSTGRES_READ_STATES, [userId]);
    return rows.map(toReadState);
  }

  async close(): Promise<void> {
    this.#closing ??= this.#pool.end();
    await this.#closing;
  }

  /**
   * A transaction that appends messages. Ids must become visible in id order, or a client catching
   * up "after id N" could skip a message with a smaller id that committed later on another
   * connection. One transaction-scoped lock makes id assignment and commit a single step.
   */
  #appendTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
      return work(client);
    });
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  // ---- full-text search (search-postgres.ts)

  searchMessages(query: SearchQuery): Promise<MessagePage> {
    return searchPostgres(this.#pool, query);
  }

  // ---- attachments (attachments-postgres.ts)

  appendMessageWithFile(message: NewMessage, file: NewFile): Promise<AppendResult> {
    return this.#appendTransaction((client) => appendMessageWithFilePostgres(client, message, file));
  }

  findFile(id: string): Promise<StoredFile | null> {
    return findFilePostgres(this.#pool, id);
  }

  existingFileIds(ids: readonly string[]): Promise<Set<string>> {
    return existingFileIdsPostgres(this.#pool, ids);
  }
}
