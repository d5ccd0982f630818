/** The server fixture and client sockets of one describe block, closed after each of its tests. */
import { afterEach } from 'vitest';
import { OpenSockets } from './clients.js';
import { Fixture, type ServerFactory } from './helpers.js';

export function closedAfterEach(factory: ServerFactory): { fixture: Fixture; sockets: OpenSockets } {
  const fixture = new Fixture(factory);
  const sockets = new OpenSockets();
  afterEach(async () => {
    sockets.closeAll();
    await fixture.close();
  });
  return { fixture, sockets };
}
