/**
 * What the chat's browser suites share: the headless Chromium, the chat server process on SQLite or
 * PostgreSQL, and the page actions (sign up, send, wait for a message). A suite declares itself with
 * `describeChatInBrowser()`, which gives it a fresh server and browser per backend; one that needs
 * several servers uses `describeEachBackend()` and calls `useChatInBrowser()` for each.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { type ChatStore, PostgresStore, SqliteStore } from '../src/store/index.js';
import { buildChatServer, ChatProcess, freePort, removeBundle } from './chat-process.js';
import { tempDir } from './helpers.js';
import { dropSchema, findDatabase } from './services.js';
import { skipLocally } from './skip-locally.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
export const WAIT = { timeout: 20_000 };
export const PASSWORD = 'correct horse battery';
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Browser suites run where Chromium is installed, and always in CI (where its absence fails them). */
export const runBrowserSuites = !skipLocally(
  'the browser tests',
  fs.existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`).`,
);

export interface Backend {
  kind: 'SQLite' | 'PostgreSQL';
  databaseUrl?: string;
}

/** SQLite always; PostgreSQL when it is reachable, and always in CI (where its absence fails the suite). */
async function browserBackends(): Promise<Backend[]> {
  const found = await findDatabase();
  return [
    { kind: 'SQLite' },
    ...(skipLocally('the browser tests on PostgreSQL', found.error)
      ? []
      : [{ kind: 'PostgreSQL' as const, databaseUrl: found.databaseUrl }]),
  ];
}

const backends = await browserBackends();

/**
 * Declares `body` once per backend, as "`name` (SQLite)" and "`name` (PostgreSQL)"; skipped where
 * Chromium is missing, except in CI.
 */
export function describeEachBackend(name: string, timeout: number, body: (backend: Backend) => void): void {
  describe.skipIf(!runBrowserSuites).each(backends)(`${name} ($kind)`, { timeout }, body);
}

/** `describeEachBackend()` with a fresh chat server and browser for each (see `useChatInBrowser()`). */
export function describeChatInBrowser(
  name: string,
  timeout: number,
  options: ChatInBrowserOptions,
  body: (chat: ChatInBrowser) => void,
): void {
  describeEachBackend(name, timeout, (backend) => body(useChatInBrowser(backend, options)));
}

export interface ChatInBrowser {
  /** The chat's page, e.g. http://127.0.0.1:PORT/ */
  readonly url: string;
  readonly server: ChatProcess;
  readonly browser: Browser;
  /** Page errors seen so far, prefixed by the page's name; a suite expects it to stay empty. */
  readonly pageErrors: string[];
  /** A new browser context (its own cookies) with the page open, signed up as `username`, connected. */
  openSignedUp(username: string, options?: BrowserContextOptions): Promise<Page>;
  /** `openSignedUp` for each of `usernames` at once, in the same order. */
  openAllSignedUp(usernames: string[]): Promise<Page[]>;
  /** A new browser context with the page open and nothing else done. */
  openPage(name: string, options?: BrowserContextOptions): Promise<Page>;
  /** Opens the server's store directly (for SQLite, only while the server is stopped). */
  openStore(): ChatStore;
}

export interface ChatInBrowserOptions {
  /** Extra environment for the server process. */
  env?: Record<string, string>;
  /**
   * Runs before the server starts, with a way to open the server's store directly (for SQLite
   * only while the server is stopped: the server then owns the file).
   */
  seed?: (openStore: () => ChatStore) => Promise<void>;
}

/**
 * Registers beforeAll/afterAll hooks that start the chat server process and Chromium, and tear both
 * down (with the PostgreSQL schema the run used). Call it inside a `describe`.
 */
export function useChatInBrowser(backend: Backend, options: ChatInBrowserOptions = {}): ChatInBrowser {
  const tmp = tempDir('parley-browser-');
  const schema = `e2e_${process.pid}_${Date.now().toString(36)}`;
  const pageErrors: string[] = [];
  let entry: string | undefined;
  let server: ChatProcess | undefined;
  let browser: Browser | undefined;
  let url = '';
  const chatDb = path.join(tmp.dir, 'chat.db');
  const { databaseUrl } = backend;
  const openStore = (): ChatStore =>
    databaseUrl ? new PostgresStore({ connectionString: databaseUrl, schema, max: 1 }) : new SqliteStore(chatDb);

  beforeAll(async () => {
    if (backend.kind === 'PostgreSQL' && !backend.databaseUrl) throw new Error('PostgreSQL is unreachable');
    entry = await buildChatServer();
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    await options.seed?.(openStore);
    server = new ChatProcess(entry, {
      PORT: String(port),
      HOST: '127.0.0.1',
      CHAT_DB: chatDb,
      DATABASE_URL: backend.databaseUrl ?? '',
      DATABASE_SCHEMA: backend.databaseUrl ? schema : '',
      REDIS_URL: '',
      ...options.env,
    });
    await server.start();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.kill();
    if (entry) removeBundle(entry);
    tmp.remove();
    if (backend.databaseUrl) await dropSchema(backend.databaseUrl, schema);
  });

  async function openPage(name: string, contextOptions: BrowserContextOptions = { viewport: DESKTOP }): Promise<Page> {
    if (!browser) throw new Error('the browser is not started yet (call from a test or a later hook)');
    const context = await browser.newContext(contextOptions);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${name}: ${err.message}`));
    await page.goto(url);
    return page;
  }

  async function openSignedUp(username: string, contextOptions?: BrowserContextOptions): Promise<Page> {
    const page = await openPage(username, contextOptions);
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    page.on('requestfailed', (r) => logs.push(`failed ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) logs.push(`${r.status()} ${r.url()}`);
    });
    await signUp(page, username);
    await connected(page).catch(async (err: Error) => {
      // Say why: what the page and the server reported.
      const status = await page.evaluate(() => document.getElementById('app')?.dataset.status);
      throw new Error(
        `${username} did not connect (status ${status}): ${err.message}\npage: ${logs.slice(-30).join('\n')}\nserver: ${server?.output}`,
      );
    });
    return page;
  }

  return {
    get url() {
      return url;
    },
    get server() {
      if (!server) throw new Error('the server is not started yet');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not started yet');
      return browser;
    },
    pageErrors,
    openSignedUp,
    openAllSignedUp: (usernames) => Promise.all(usernames.map((username) => openSignedUp(username))),
    openPage,
    openStore,
  };
}

function launchChromium(): Promise<Browser> {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
  return chromium.launch({ executablePath: CHROMIUM, args });
}

export async function fillAuth(
  page: Page,
  mode: 'signin' | 'signup',
  username: string,
  password: string,
): Promise<void> {
  await page.locator('#auth-dialog[open]').waitFor(WAIT);
  const wanted = mode === 'signup' ? 'Create account' : 'Sign in';
  if ((await page.locator('#auth-submit').textContent()) !== wanted) await page.click('#auth-switch');
  await page.fill('#auth-username', username);
  await page.fill('#auth-password', password);
  await page.click('#auth-submit');
}

export async function signUp(page: Page, username: string): Promise<void> {
  await fillAuth(page, 'signup', username, PASSWORD);
}

export async function connected(page: Page): Promise<void> {
  await page.locator('.app[data-status="connected"]').waitFor(WAIT);
}

/** Saves what `page` shows as test/screenshots/`name`.png, for review. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Creates a room from the sidebar (private when asked) and waits until the page has it open. */
export async function createRoom(page: Page, name: string, options: { private?: boolean } = {}): Promise<void> {
  await page.click('#new-room-toggle');
  await page.fill('#new-room-name', name);
  if (options.private) await page.check('#new-room-private');
  await page.press('#new-room-name', 'Enter');
  await page.locator('#room-name', { hasText: name }).waitFor(WAIT);
}

export async function send(page: Page, text: string): Promise<void> {
  await page.fill('#input', text);
  await page.press('#input', 'Enter');
}

/** Waits until a confirmed message with exactly this text is on the page. */
export async function shown(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (expected) =>
      Array.from(document.querySelectorAll('#message-list .body')).some((node) => node.textContent === expected),
    text,
    WAIT,
  );
}

/** Waits until my own message with exactly this text is marked delivered: the server's ack is back. */
export async function delivered(page: Page, text: string): Promise<void> {
  await page.locator('#message-list .msg.own[data-status="delivered"] .body', { hasText: text }).waitFor(WAIT);
}

export function visibleTexts(page: Page): Promise<string[]> {
  return page.$$eval('#message-list .body', (nodes) => nodes.map((node) => node.textContent ?? ''));
}

/**
 * Confirms the page's own dialog (#ask-dialog: Delete, Invite, Remove) with Enter, after typing
 * `value` into its field when given, and waits until it has closed (the action succeeded).
 */
export async function confirmAsk(page: Page, value?: string): Promise<void> {
  await page.locator('#ask-dialog[open]').waitFor(WAIT);
  if (value !== undefined) await page.fill('#ask-input', value);
  await page.keyboard.press('Enter');
  await page.locator('#ask-dialog').waitFor({ ...WAIT, state: 'hidden' });
}
