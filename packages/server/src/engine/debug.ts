/**
 * A tiny `debug`-style logger: silent unless the `DEBUG` environment variable names the
 * namespace (comma or space separated, `*` wildcards, `-` to exclude), e.g. `DEBUG=parley:*`.
 */
import { format } from 'node:util';

export type Logger = ((formatter: string, ...args: unknown[]) => void) & { readonly enabled: boolean };

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*?');
  return new RegExp(`^${escaped}$`);
}

function isEnabled(namespace: string, setting: string | undefined): boolean {
  if (!setting) return false;
  let enabled = false;
  for (const part of setting.split(/[\s,]+/)) {
    if (part === '') continue;
    if (part.startsWith('-')) {
      if (patternToRegExp(part.slice(1)).test(namespace)) return false;
    } else if (patternToRegExp(part).test(namespace)) {
      enabled = true;
    }
  }
  return enabled;
}

const noop = Object.assign(() => {}, { enabled: false });

/**
 * @example const debug = createLogger('parley:engine'); debug('session %s closed', id);
 */
export function createLogger(namespace: string): Logger {
  const env = typeof process === 'undefined' ? undefined : process.env.DEBUG;
  if (!isEnabled(namespace, env)) return noop;
  const log = (formatter: string, ...args: unknown[]) => {
    process.stderr.write(`${new Date().toISOString()} ${namespace} ${format(formatter, ...args)}\n`);
  };
  return Object.assign(log, { enabled: true });
}
