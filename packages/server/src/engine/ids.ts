/**
 * Random ids: 20 URL-safe characters (120 random bits), cut from a pooled buffer refilled 256
 * ids at a time, so that a connection storm does not mean one crypto call per id.
 */
import { randomFillSync } from 'node:crypto';

const ID_BYTES = 15;
const POOL_SIZE = ID_BYTES * 256;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

export function generateId(): string {
  if (offset + ID_BYTES > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
