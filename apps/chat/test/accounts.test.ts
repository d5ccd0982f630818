import { afterEach, describe } from 'vitest';
import { accountsContract } from './accounts-contract.js';
import { Harness } from './helpers.js';

const harness = new Harness();
afterEach(() => harness.closeAll());

describe('accounts on SQLite', () => {
  accountsContract(
    async () => {
      const { server, url } = await harness.startServer({ trustProxy: 1 });
      return { server, url };
    },
    (cleanup) => harness.defer(cleanup),
  );
});
