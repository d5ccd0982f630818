import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/config.js';

describe('heartbeat configuration', () => {
  it("defaults to socket.io's heartbeat: a ping every 25 s, 20 s to answer", () => {
    expect(readConfig({}).heartbeat).toEqual({ pingInterval: 25_000, pingTimeout: 20_000 });
  });

  it('takes PING_INTERVAL_MS and PING_TIMEOUT_MS', () => {
    expect(readConfig({ PING_INTERVAL_MS: '2000', PING_TIMEOUT_MS: '1500' }).heartbeat).toEqual({
      pingInterval: 2000,
      pingTimeout: 1500,
    });
  });

  it('refuses a value that is not a whole number of milliseconds in range, naming the variable', () => {
    expect(() => readConfig({ PING_INTERVAL_MS: '2s' })).toThrow(ConfigError);
    expect(() => readConfig({ PING_TIMEOUT_MS: '0' })).toThrow(/PING_TIMEOUT_MS must be an integer from 100/);
  });
});

describe('session routing configuration', () => {
  it('is off unless ADVERTISE_URL is set (the listening address is used when HOST is concrete)', () => {
    expect(readConfig({}).advertiseUrl).toBeUndefined();
    expect(readConfig({ ADVERTISE_URL: 'http://10.0.0.5:3000' }).advertiseUrl).toBe('http://10.0.0.5:3000');
  });

  it('refuses an ADVERTISE_URL the other nodes could not use', () => {
    for (const bad of ['10.0.0.5:3000', 'https://10.0.0.5:3000', 'http://10.0.0.5', 'http://10.0.0.5:3000/chat']) {
      expect(() => readConfig({ ADVERTISE_URL: bad })).toThrow(/ADVERTISE_URL must be an http:\/\/host:port URL/);
    }
  });
});
