/**
 * The column types SQLite and PostgreSQL spell differently. The tables both stores share are
 * written once, with these filled in, so the two schemas cannot drift apart.
 */
export interface ColumnTypes {
  /** Ids, message ids and timestamps (milliseconds). */
  integer: 'INTEGER' | 'BIGINT';
  /** A file's bytes. */
  bytes: 'BLOB' | 'BYTEA';
  /** A true/false column that defaults to false. */
  flag: 'INTEGER NOT NULL DEFAULT 0' | 'BOOLEAN NOT NULL DEFAULT false';
}

export const SQLITE_TYPES: ColumnTypes = { integer: 'INTEGER', bytes: 'BLOB', flag: 'INTEGER NOT NULL DEFAULT 0' };

export const POSTGRES_TYPES: ColumnTypes = {
  integer: 'BIGINT',
  bytes: 'BYTEA',
  flag: 'BOOLEAN NOT NULL DEFAULT false',
};
