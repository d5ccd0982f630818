/**
 * Caps a page of messages by bytes as well as by count. The count alone lets a page of long
 * messages in four-byte characters (2,000 emoji each) weigh megabytes; the byte cap keeps every
 * reply small, and the page then says there is more, so the client simply asks again.
 */
import type { MessagePage } from '../store/index.js';

/** Most bytes of message content one page carries (at least one message always fits). */
export const MAX_PAGE_BYTES = 32 * 1024;

/** JSON field names, quotes, id and timestamp of one message, roughly. */
const MESSAGE_OVERHEAD_BYTES = 96;

/**
 * Keeps the messages nearest to where the reader is: the newest ones of a page read backwards
 * (`'newest'`: the latest messages, scrolling up) or the oldest ones of a page read forwards
 * (`'oldest'`: catching up after an id). The page stays in ascending id order either way.
 */
export function capPageBytes(page: MessagePage, keep: 'newest' | 'oldest', maxBytes = MAX_PAGE_BYTES): MessagePage {
  const { messages } = page;
  let bytes = 0;
  let kept = 0;
  for (let n = 0; n < messages.length; n++) {
    const message = messages[keep === 'newest' ? messages.length - 1 - n : n];
    bytes += Buffer.byteLength(message.text) + Buffer.byteLength(message.nick) + MESSAGE_OVERHEAD_BYTES;
    // Reactions name every reactor: a popular message weighs more than its text.
    if (message.reactions) bytes += Buffer.byteLength(JSON.stringify(message.reactions));
    if (bytes > maxBytes && kept > 0) break;
    kept++;
  }
  if (kept === messages.length) return page;
  const trimmed = keep === 'newest' ? messages.slice(messages.length - kept) : messages.slice(0, kept);
  return { messages: trimmed, hasMore: true };
}
