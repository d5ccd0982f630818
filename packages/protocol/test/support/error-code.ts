import { expect } from 'vitest';
import { ProtocolError } from '../../src/index.js';

/** The code of the ProtocolError `run` throws, or 'no error'; any other error fails the test. */
export function errorCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return (error as ProtocolError).code;
  }
  return 'no error';
}
