import { CodedError } from '../coded-error.js';

/** Every refusal the chat server can answer with; the page shows `message` to the user as is. */
export type ChatErrorCode =
  | 'BAD_REQUEST'
  | 'INVALID_NICKNAME'
  | 'INVALID_ROOM_NAME'
  | 'UNKNOWN_ROOM'
  | 'NOT_IN_ROOM'
  | 'NOT_ALLOWED'
  | 'UNKNOWN_USER'
  | 'ROOM_NAME_TAKEN'
  | 'EMPTY_MESSAGE'
  | 'MESSAGE_TOO_LONG'
  | 'RATE_LIMITED'
  | 'SERVER_ERROR'
  | 'UNKNOWN_MESSAGE'
  | 'FILE_TOO_LARGE'
  | 'UNKNOWN_UPLOAD';

/** The error half of every ack: `{ ok: false, error: { code, message, retryAfterMs? } }`. */
export interface ChatErrorBody {
  code: ChatErrorCode;
  message: string;
  retryAfterMs?: number;
}

export class ChatError extends CodedError<ChatErrorCode> {
  override readonly name = 'ChatError';

  toBody(): ChatErrorBody {
    return this.retryAfterMs === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}
