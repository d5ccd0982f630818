/**
 * Suites and tests that need something a machine may lack (Redis, PostgreSQL, Chromium, a built
 * package): skipped locally, with a warning that says how to provide it, and failed when `CI` is
 * set, so CI never passes without running them. Every package's tests use this one rule.
 */
import { describe, it } from 'vitest';

/** One thing a suite needs, whether this machine has it, and how to provide it. */
export interface Need {
  readonly present: boolean;
  /** What is needed, as a noun phrase: "Redis at redis://127.0.0.1:6379". */
  readonly what: string;
  /** How to provide it: a command, or where it comes from. */
  readonly hint: string;
}

function firstMissing(needs: readonly Need[]): Need | undefined {
  return needs.find((need) => !need.present);
}

function requiredInCi(need: Need): Error {
  return new Error(`${need.what} is required in CI. ${need.hint}`);
}

function warnSkipped(need: Need): void {
  console.warn(`Skipping tests: ${need.what} is not available. ${need.hint}`);
}

/** A `describe` (or `it`) with its modifiers, as `describe.skip` (or `it.skip`) is one. */
type Suite = typeof describe.skip;
type Test = typeof it.skip;

/**
 * `run` when every need is present; otherwise, under CI, a block (made with `make`) that fails
 * saying what is missing, and elsewhere `skip`, with a warning.
 */
function gate<Block>(needs: Need[], run: Block, skip: Block, make: (name: string, body: () => void) => void): Block {
  const missing = firstMissing(needs);
  if (missing === undefined) return run;
  if (process.env.CI) {
    const failing = (name: string) =>
      make(name, () => {
        throw requiredInCi(missing);
      });
    return failing as unknown as Block;
  }
  warnSkipped(missing);
  return skip;
}

/** `describe` when every need is present; otherwise a failing suite under CI, a skipped one elsewhere. */
export function describeWith(...needs: Need[]): Suite {
  return gate<Suite>(needs, describe, describe.skip, describe);
}

/** `it` when every need is present; otherwise a failing test under CI, a skipped one elsewhere. */
export function itWith(...needs: Need[]): Test {
  return gate<Test>(needs, it, it.skip, it);
}
