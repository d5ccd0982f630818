/**
 * Page-side stand-ins the browser suites of unread state, mentions and presence share: a tab made
 * hidden or visible again (headless Chromium never hides a page on its own), a record of the
 * desktop notifications a page created, and screenshots in the four looks (desktop and phone,
 * light and dark) of a user signed in afresh.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import {
  type ChatInBrowser,
  connected,
  DESKTOP,
  fillAuth,
  PASSWORD,
  PHONE,
  SCREENSHOTS,
  WAIT,
} from './browser-harness.js';

/**
 * Installed before the page's scripts: `document.visibilityState`/`hidden` answer what the test
 * sets, every `new Notification(...)` is recorded in `window.__notifications`, and permission
 * requests are counted in `window.__permissionRequests`.
 */
export const PAGE_SIGNALS = `
(() => {
  let hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible'), configurable: true });
  Object.defineProperty(Document.prototype, 'hidden', { get: () => hidden, configurable: true });
  window.__setHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  };
  window.__notifications = [];
  if (window.Notification) {
    const Real = window.Notification;
    const Recording = function (title, options) {
      window.__notifications.push({ title, body: options && options.body, tag: options && options.tag });
      try {
        return new Real(title, options);
      } catch {
        return Object.assign(new EventTarget(), { close() {} });
      }
    };
    Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
    window.__permissionRequests = 0;
    Recording.requestPermission = (...args) => {
      window.__permissionRequests += 1;
      return Real.requestPermission(...args);
    };
    Recording.prototype = Real.prototype;
    window.Notification = Recording;
  }
})();
`;

export async function withSignals(page: Page): Promise<Page> {
  await page.context().addInitScript(PAGE_SIGNALS);
  await page.reload();
  return page;
}

export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => (window as unknown as { __setHidden(v: boolean): void }).__setHidden(value), hidden);
}

export function notifications(page: Page): Promise<{ title: string; body: string; tag: string }[]> {
  return page.evaluate(() => (window as unknown as { __notifications: never[] }).__notifications);
}

/** A new browser context (a "different browser") signed in as an existing account, page signals installed. */
export async function signInElsewhere(
  chat: ChatInBrowser,
  username: string,
  options: BrowserContextOptions = { viewport: DESKTOP },
): Promise<Page> {
  const context = await chat.browser.newContext(options);
  await context.addInitScript(PAGE_SIGNALS);
  const page = await context.newPage();
  page.on('pageerror', (err) => chat.pageErrors.push(`${username} (elsewhere): ${err.message}`));
  await page.goto(chat.url);
  await fillAuth(page, 'signin', username, PASSWORD);
  await connected(page);
  return page;
}

/**
 * Screenshots `name-{desktop,phone}-{light,dark}.png` of `username` signed in afresh; `prepare`
 * brings each page to the state to show (on a phone, open the drawer if the sidebar matters).
 */
export async function screenshotLooks(
  chat: ChatInBrowser,
  username: string,
  name: string,
  prepare: (page: Page, phone: boolean) => Promise<void>,
  before?: () => Promise<void>,
): Promise<string[]> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const files: string[] = [];
  for (const [look, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    for (const colorScheme of ['light', 'dark'] as const) {
      await before?.();
      const page = await signInElsewhere(chat, username, { viewport, colorScheme });
      await prepare(page, look === 'phone');
      await page.locator('#history-edge:not(.loading)').waitFor(WAIT);
      const file = path.join(SCREENSHOTS, `${name}-${look}-${colorScheme}.png`);
      await page.screenshot({ path: file });
      files.push(file);
      await page.context().close();
    }
  }
  return files;
}

/** Opens a room from the list and waits until its messages are loaded. */
export async function openRoom(page: Page, room: string, phone = false): Promise<void> {
  if (phone) await openDrawer(page);
  await page.locator(`#room-list li[data-room="${room}"] button`).click();
  await page.locator('#room-name', { hasText: room }).waitFor(WAIT);
  // Loaded too: only a loaded room on screen counts as read (its marker is sent then), so a test
  // that moves on at once would otherwise leave the room unread, or never opened, on the server.
  await page.locator('#history-edge:not(.loading)').waitFor(WAIT);
}

/** Opens the phone drawer and waits until it has slid fully in (its transform transition done). */
export async function openDrawer(page: Page): Promise<void> {
  await page.click('#menu-button');
  await page.waitForFunction(
    () => {
      const sidebar = document.getElementById('sidebar');
      return sidebar !== null && getComputedStyle(sidebar).transform === 'none';
    },
    undefined,
    WAIT,
  );
}
