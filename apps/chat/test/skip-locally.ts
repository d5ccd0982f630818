/**
 * The chat tests' one rule for what a machine may lack (Redis, PostgreSQL, Chromium): a suite that
 * needs it skips locally, saying what is missing and how to get it, and runs anyway in CI, where
 * the missing thing then fails it. So CI never passes without running every suite.
 */

/** Whether to skip `suite` for `missing` (undefined when nothing is missing). */
export function skipLocally(suite: string, missing: string | undefined): boolean {
  if (missing === undefined || process.env.CI) return false;
  console.warn(`Skipping ${suite}: ${missing}`);
  return true;
}
