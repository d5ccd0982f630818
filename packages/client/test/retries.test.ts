/**
 * `retries`: emits go out one at a time, in order, each resent until acknowledged or out of
 * tries. The scenarios socket.io-client defines run with both clients; the packet log kept by
 * the server shows that nothing is sent twice except as a retry.
 */
import type { Socket as ServerSocket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import type { AckError, Socket, TransportName } from '../src/index.js';
import { systemTimers } from '../src/timers.js';
import { type ClientOptions, clients, parleyClient } from './clients.js';
import { servers, type TestServer, until, waitFor } from './helpers.js';
import { closedAfterEach } from './per-test-fixture.js';

const transportModes: TransportName[][] = [['websocket'], ['polling']];

/**
 * The server side: `job` is logged and acknowledged with its argument, except deliveries that
 * `drop` says to answer by closing the connection; `never` is logged and never acknowledged.
 */
function serve(server: TestServer, drop: (name: string, delivery: number) => boolean = () => false) {
  const log: string[] = [];
  server.io.on('connection', (socket: ServerSocket) => {
    socket.on('job', (name: string, cb: (value: string) => void) => {
      log.push(name);
      if (drop(name, log.filter((n) => n === name).length)) socket.conn.close();
      else cb(name);
    });
    socket.on('never', () => log.push('never'));
  });
  return log;
}

/** Emits with a callback that records each call's arguments. */
function emitRecorded(socket: Socket, ...args: unknown[]): unknown[][] {
  const calls: unknown[][] = [];
  (socket.emit as (...all: unknown[]) => void)(...args, (...answer: unknown[]) => calls.push(answer));
  return calls;
}

for (const factory of servers) {
  for (const client of clients) {
    for (const transports of transportModes) {
      describe(`retries [${factory.name} server, ${client.name}, ${transports}]`, () => {
        const { fixture, sockets } = closedAfterEach(factory);
        const open = (server: TestServer, options: ClientOptions) =>
          sockets.open(client, server.url, { transports, ...options });

        it('sends one packet at a time, in order, each once when acknowledged', async () => {
          const server = await fixture.server();
          const log: string[] = [];
          server.io.on('connection', (socket: ServerSocket) =>
            socket.on('job', (name: string, cb: (value: string) => void) => {
              log.push(`received ${name}`);
              // answer on a later turn: the next packet must still wait for this answer
              setImmediate(() => {
                log.push(`acked ${name}`);
                cb(name);
              });
            }),
          );
          const socket = open(server, { retries: 1, ackTimeout: 10_000 });
          const answers = ['a', 'b', 'c'].map((name) => emitRecorded(socket, 'job', name));
          await until(() => answers[2].length > 0, 8000, 'the last answer');
          expect(log).toEqual(['received a', 'acked a', 'received b', 'acked b', 'received c', 'acked c']);
          expect(answers).toEqual([[[null, 'a']], [[null, 'b']], [[null, 'c']]]);
        });

        it('sends an unacknowledged packet retries + 1 times, then fails its ack and goes on', async () => {
          const server = await fixture.server();
          const log = serve(server);
          const socket = open(server, { retries: 3, ackTimeout: 50 });
          const failed = emitRecorded(socket, 'never');
          const next = emitRecorded(socket, 'job', 'next');
          await until(() => next.length > 0, 8000, 'the packet behind the failed one');
          expect(log).toEqual(['never', 'never', 'never', 'never', 'next']);
          expect(failed).toHaveLength(1);
          expect(failed[0]).toHaveLength(1);
          expect(failed[0][0]).toBeInstanceOf(Error);
          expect((failed[0][0] as Error).message).toBe('operation has timed out');
          if (client === parleyClient) expect((failed[0][0] as AckError).code).toBe('ACK_TIMEOUT');
          expect(next).toEqual([[null, 'next']]);
        });

        it('sends a packet emitted in a connect handler once; resends the one in flight first', async () => {
          const server = await fixture.server();
          const log = serve(server, (name, delivery) => name === 'drop' && delivery === 1);
          const socket = open(server, { retries: 2, ackTimeout: 10_000 });
          let connections = 0;
          const answers: unknown[][][] = [];
          socket.on('connect', () => {
            connections++;
            answers.push(emitRecorded(socket, 'job', `connect ${connections}`));
          });
          const early = emitRecorded(socket, 'job', 'early');
          await until(() => answers[0]?.length > 0, 8000, 'the first connect handler emit to be acknowledged');
          // the server drops the connection instead of answering: the client resends after reconnecting
          const dropped = emitRecorded(socket, 'job', 'drop');
          await until(() => answers[1]?.length > 0, 8000, 'the second connect handler emit to be acknowledged');
          expect(log).toEqual(['early', 'connect 1', 'drop', 'drop', 'connect 2']);
          expect(early).toEqual([[null, 'early']]);
          expect(dropped).toEqual([[null, 'drop']]);
          expect(answers).toEqual([[[null, 'connect 1']], [[null, 'connect 2']]]);
        });

        it('does not drain the queue while disconnected', async () => {
          const server = await fixture.server();
          const log = serve(server);
          const socket = open(server, { retries: 3, ackTimeout: 200, autoConnect: false });
          const answer = emitRecorded(socket, 'job', 'queued');
          // 5 ack timeouts: a queue drained while disconnected would have used up its 4 tries
          await new Promise((resolve) => setTimeout(resolve, 1000));
          expect(answer).toEqual([]);
          socket.connect();
          await until(() => answer.length > 0, 8000, 'the answer');
          expect(answer).toEqual([[null, 'queued']]);
          // (a round trip slower than the ack timeout on a loaded machine may add a retry)
          expect(log.length).toBeGreaterThanOrEqual(1);
          expect(new Set(log)).toEqual(new Set(['queued']));
        });
      });
    }
  }
}

for (const factory of servers) {
  describe(`retries, Parley specifics [${factory.name} server]`, () => {
    const { fixture, sockets } = closedAfterEach(factory);
    const open = (server: TestServer, options: ClientOptions) =>
      sockets.open(parleyClient, server.url, { transports: ['websocket'], ...options });

    // socket.io-client, without a timeout, takes the first argument of the server's answer for an
    // error: it sends the packet retries + 1 times and calls back with ('ok'). Parley sends it once.
    it('takes the answer as a success without a timeout: sent once, called back with (null, answer)', async () => {
      const server = await fixture.server();
      const log = serve(server);
      const socket = open(server, { retries: 3 });
      const answer = emitRecorded(socket, 'job', 'ok');
      const marker = emitRecorded(socket, 'job', 'marker');
      await until(() => marker.length > 0, 8000, 'the marker');
      expect(log).toEqual(['ok', 'marker']);
      expect(answer).toEqual([[null, 'ok']]);
    });

    it('without a timeout, resends after each reconnection; failPendingAcksOnDisconnect counts drops as tries', async () => {
      const server = await fixture.server();
      const log = serve(server, (_name, delivery) => delivery <= 2);
      const patient = open(server, { retries: 1 });
      const patientAnswer = emitRecorded(patient, 'job', 'patient');
      await until(() => patientAnswer.length > 0, 8000, 'the answer after two drops');
      expect(patientAnswer).toEqual([[null, 'patient']]);
      expect(log.filter((name) => name === 'patient')).toHaveLength(3);

      const failFast = open(server, { retries: 1, failPendingAcksOnDisconnect: true });
      const failFastAnswer = emitRecorded(failFast, 'job', 'fail-fast');
      await until(() => failFastAnswer.length > 0, 8000, 'the failure');
      expect(failFastAnswer).toHaveLength(1);
      expect((failFastAnswer[0][0] as AckError).code).toBe('DISCONNECTED');
      expect(log.filter((name) => name === 'fail-fast')).toHaveLength(2);
    });

    it('never sends a packet twice when the heartbeat has expired unnoticed (throttled tab)', async () => {
      const server = await fixture.server();
      const log = serve(server);
      // The clock jumps an hour ahead without the watchdog's timer having run, as in a
      // background tab; the connection is dead but not closed yet.
      let skew = 0;
      const timers = { ...systemTimers, now: () => Date.now() + skew };
      const socket = open(server, { retries: 2, ackTimeout: 10_000, timers });
      await waitFor(socket, 'connect');
      const reasons: string[] = [];
      socket.on('disconnect', (reason) => reasons.push(reason));
      skew = 3_600_000;
      const answer = emitRecorded(socket, 'job', 'once');
      await until(() => answer.length > 0, 8000, 'the answer after the reconnection');
      const marker = emitRecorded(socket, 'job', 'marker');
      await until(() => marker.length > 0, 8000, 'the marker');
      expect(reasons).toEqual(['ping timeout']);
      expect(answer).toEqual([[null, 'once']]);
      expect(log).toEqual(['once', 'marker']);
    });
  });
}
