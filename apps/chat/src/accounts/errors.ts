import { CodedError } from '../coded-error.js';

/** Refusals of the account routes, answered as `{ error: { code, message } }` with `status`. */
export type AccountErrorCode =
  | 'BAD_REQUEST'
  | 'INVALID_USERNAME'
  | 'INVALID_PASSWORD'
  | 'USERNAME_TAKEN'
  | 'BAD_CREDENTIALS'
  | 'TOO_MANY_ATTEMPTS'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN_ORIGIN'
  | 'UNSUPPORTED_MEDIA_TYPE';

const STATUS: Record<AccountErrorCode, number> = {
  BAD_REQUEST: 400,
  INVALID_USERNAME: 400,
  INVALID_PASSWORD: 400,
  USERNAME_TAKEN: 409,
  BAD_CREDENTIALS: 401,
  TOO_MANY_ATTEMPTS: 429,
  UNAUTHENTICATED: 401,
  FORBIDDEN_ORIGIN: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

export class AccountError extends CodedError<AccountErrorCode> {
  override readonly name = 'AccountError';

  get status(): number {
    return STATUS[this.code];
  }
}
