/**
 * Full-text search over the messages a user may read: public rooms, and the private rooms and DMs
 * the account belongs to (the store applies that rule in the query itself). See events.ts:
 *   'search' { query, room?, before? } -> { messages: ChatMessage[] (newest first), hasMore, terms }
 */
import { ChatError } from './errors.js';
import type { FeatureContext } from './feature-context.js';
import { capPageBytes } from './page-cap.js';
import { requestObject, validateMessageId } from './validation.js';

/** Results per page. */
export const SEARCH_PAGE = 20;
export const MAX_QUERY_LENGTH = 200;
const MAX_TERMS = 8;
const MAX_TERM_LENGTH = 64;

/**
 * The words of a query: runs of letters and digits, lower-cased, at most 8. Everything else is a
 * separator, so no search syntax (quotes, operators, prefixes) can reach either store's parser.
 */
export function searchTerms(value: unknown): string[] {
  if (typeof value !== 'string') throw new ChatError('BAD_REQUEST', 'A search query must be text.');
  if (value.length > MAX_QUERY_LENGTH) {
    throw new ChatError('BAD_REQUEST', `Search for at most ${MAX_QUERY_LENGTH} characters.`);
  }
  const words =
    value
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = [...new Set(words.map((word) => word.slice(0, MAX_TERM_LENGTH)))].slice(0, MAX_TERMS);
  if (terms.length === 0) throw new ChatError('BAD_REQUEST', 'Type a word to search for.');
  return terms;
}

export function registerSearch(context: FeatureContext): void {
  const { store, onRequest, accessibleRoom, userId } = context;
  onRequest('search', 'search', async (payload) => {
    const request = requestObject(payload);
    const terms = searchTerms(request.query);
    const room =
      request.room === undefined || request.room === null ? undefined : (await accessibleRoom(request.room)).name;
    const beforeId =
      request.before === undefined || request.before === null ? undefined : validateMessageId(request.before, 'before');
    const page = await store.searchMessages({ terms, userId: userId(), room, beforeId, limit: SEARCH_PAGE });
    // Results are newest first: keeping the page's first entries keeps the newest.
    return { ...capPageBytes(page, 'oldest'), terms };
  });
}
