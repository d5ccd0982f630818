/**
 * The base of the benchmark's errors: each carries a stable `code`, which callers and tests
 * branch on, and is named after its class, which is what a stack trace or a CLI message shows.
 */
export class BenchError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}
