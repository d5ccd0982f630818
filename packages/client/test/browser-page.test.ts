/**
 * Page lifecycle and credentials in headless Chromium, with Parley's bundle beside the official
 * socket.io-client's (the spec) on a socket.io server, and Parley's bundle on a Parley server:
 * - closeOnBeforeunload: off by default (the browser cuts the connection when the page goes,
 *   and the server sees it); on, the client closes silently on `beforeunload`.
 * - withCredentials: cookies go with cross-origin polling requests only when it is set.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientBundle,
  describeWithChromium,
  launchChromium,
  loadBundles,
  type PageConfig,
  type ServerKind,
  type Site,
  startSite,
} from './browser-site.js';
import { until } from './helpers.js';

const combinations: [ServerKind, ClientBundle][] = [
  ['socket.io', 'socket.io-client'],
  ['socket.io', 'parley'],
  ['parley', 'parley'],
];

type PageWindow = { events: string[]; socket: { timeout(ms: number): { emitWithAck(...a: unknown[]): unknown } } };

async function openPage(browserOrContext: Pick<Browser, 'newPage'>, site: Site, config: PageConfig): Promise<Page> {
  const page = await browserOrContext.newPage();
  await page.goto(site.pageUrl(config));
  await page.waitForFunction(() => (window as unknown as PageWindow).events.includes('connect'), undefined, {
    timeout: 15_000,
  });
  return page;
}

const events = (page: Page) => page.evaluate(() => (window as unknown as PageWindow).events);
const echo = (page: Page, value: string) =>
  page.evaluate((v) => (window as unknown as PageWindow).socket.timeout(10_000).emitWithAck('echo', v), value);
const dispatchBeforeunload = (page: Page) => page.evaluate(() => window.dispatchEvent(new Event('beforeunload')));
const pollCount = (site: Site) =>
  site.requests.filter((r) => r.method === 'GET' && /^\/socket\.io\/.*transport=polling/.test(r.url)).length;
const disconnectsSeen = (site: Site, count: number) =>
  until(() => site.disconnects.length >= count, 15_000, 'the server to see the disconnection');

describeWithChromium('browser page lifecycle and credentials (headless Chromium)', () => {
  let bundles: Awaited<ReturnType<typeof loadBundles>>;
  let browser: Browser;
  const sites: Site[] = [];
  const start = async (...args: Parameters<typeof startSite>) => {
    const site = await startSite(...args);
    sites.push(site);
    return site;
  };

  beforeAll(async () => {
    bundles = await loadBundles();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await bundles?.dispose();
  });
  afterEach(async () => {
    await Promise.all(sites.splice(0).map((site) => site.close()));
  });

  describe.each(combinations)('%s server, %s bundle', (kind, client) => {
    it.each([['websocket'], ['polling']])(
      'closeOnBeforeunload (%s): off by default, the server sees the page leave; on, closes silently',
      { timeout: 90_000 },
      async (transport) => {
        const site = await start(kind, bundles.bundles);
        const options = { transports: [transport], reconnection: false };

        // default: beforeunload alone changes nothing, leaving the page closes the connection
        const plain = await openPage(browser, site, { client, options });
        await dispatchBeforeunload(plain);
        const polls = pollCount(site);
        await expect(echo(plain, 'still connected')).resolves.toBe('still connected');
        expect(site.disconnects).toEqual([]);
        // the answer came on a long-polling GET: leave once the next one is parked at the server
        if (transport === 'polling') await until(() => pollCount(site) > polls, 15_000, 'the next poll');
        await plain.goto('about:blank');
        await disconnectsSeen(site, 1);
        // socket.io reports an aborted long-polling GET as a transport error
        if (kind === 'socket.io')
          expect(site.disconnects).toEqual([transport === 'polling' ? 'transport error' : 'transport close']);
        await plain.close();

        // on: beforeunload closes the transport at once, without a disconnect event in the page
        const closing = await openPage(browser, site, { client, options: { ...options, closeOnBeforeunload: true } });
        await dispatchBeforeunload(closing);
        await disconnectsSeen(site, 2);
        expect(site.disconnects.slice(1)).toEqual(['transport close']);
        expect(await events(closing)).toEqual(['connect']);
        await closing.close();

        // on, with a real navigation: the close packet races the unload, which aborts requests
        const leaving = await openPage(browser, site, { client, options: { ...options, closeOnBeforeunload: true } });
        await leaving.goto('about:blank');
        await disconnectsSeen(site, 3);
        expect(['transport close', 'transport error']).toContain(site.disconnects[2]);
        await leaving.close();
      },
    );

    it.each([true, false])(
      'withCredentials %s: cookies on cross-origin polling requests only when set',
      { timeout: 60_000 },
      async (withCredentials) => {
        const pages = await start('socket.io', bundles.bundles);
        const api = await start(kind, bundles.bundles, {
          cors: { origin: pages.origin, credentials: true },
          cookie: true,
        });
        const context = await browser.newContext();
        try {
          // a cookie for the API's host (cookies ignore ports: the page's host is the same site)
          await context.addCookies([{ name: 'session', value: 'abc', url: api.origin }]);
          const page = await openPage(context, pages, {
            client,
            url: api.origin,
            options: { transports: ['polling'], withCredentials, reconnection: false },
          });
          await expect(echo(page, 'hello')).resolves.toBe('hello');
          const engineRequests = api.requests.filter((r) => r.url.startsWith('/socket.io/') && r.method !== 'OPTIONS');
          expect(engineRequests.some((r) => r.method === 'GET')).toBe(true);
          expect(engineRequests.some((r) => r.method === 'POST')).toBe(true);
          const cookies = engineRequests.map((r) => r.headers.cookie ?? '');
          if (withCredentials) {
            for (const cookie of cookies) expect(cookie).toMatch(/(^|; )session=abc(;|$)/);
            // the session cookie the server set on the handshake came back on the next requests
            expect(cookies.slice(1).every((cookie) => /(^|; )io=[^;]+/.test(cookie))).toBe(true);
          } else {
            expect(cookies.every((cookie) => cookie === '')).toBe(true);
          }
        } finally {
          await context.close();
        }
      },
    );
  });
});
