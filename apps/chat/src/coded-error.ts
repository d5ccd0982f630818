/**
 * A refusal with a machine-readable code, and for a rate limit how long to wait. The chat's socket
 * errors (chat/errors.ts) and the account routes' errors (accounts/errors.ts) each narrow the code
 * to their own list.
 */
export class CodedError<Code extends string> extends Error {
  readonly code: Code;
  readonly retryAfterMs: number | undefined;

  constructor(code: Code, message: string, retryAfterMs?: number) {
    super(message);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}
