import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatStore } from '../src/store/index.js';
import {
  DESKTOP,
  PHONE,
  runBrowserSuites,
  saveScreenshot,
  send,
  shown,
  useChatInBrowser,
  WAIT,
} from './browser-harness.js';

const LIGHT_PHONE: BrowserContextOptions = { viewport: PHONE, colorScheme: 'light' };
const DARK_PHONE: BrowserContextOptions = { viewport: PHONE, colorScheme: 'dark' };

async function screenshot(page: Page, name: string): Promise<void> {
  await settled(page);
  await saveScreenshot(page, name);
}

/** Waits for transitions (the drawer's slide, a toast's fade) to end: what a person then sees. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        // A spinner never finishes.
        .filter((animation) => animation.effect?.getTiming().iterations !== Number.POSITIVE_INFINITY)
        .map((animation) => animation.finished),
    ),
  );
}

/** Nothing sticks out sideways, and no visible text in `selector` is cut off without an ellipsis. */
async function expectFits(page: Page, selector = 'body'): Promise<void> {
  await settled(page);
  const problems = await page.evaluate((root) => {
    const found: string[] = [];
    const { scrollWidth, clientWidth } = document.documentElement;
    if (scrollWidth > clientWidth) found.push(`page scrolls sideways (${scrollWidth} > ${clientWidth})`);
    for (const node of Array.from(document.querySelectorAll<HTMLElement>(`${root} *`))) {
      if (node.closest('[hidden], [inert]') || node.offsetParent === null || node.childElementCount > 0) continue;
      const style = getComputedStyle(node);
      const clipped = node.scrollWidth > node.clientWidth + 1 && style.overflowX !== 'visible';
      if (clipped && style.textOverflow !== 'ellipsis' && node.textContent?.trim()) {
        found.push(`text cut off: ${node.id || node.className} "${node.textContent.trim().slice(0, 40)}"`);
      }
      const box = node.getBoundingClientRect();
      if (box.width > 0 && (box.right > innerWidth + 1 || box.left < -1) && !node.closest('#sidebar')) {
        found.push(`off screen: ${node.id || node.className} (${Math.round(box.left)}..${Math.round(box.right)})`);
      }
    }
    return found;
  }, selector);
  expect(problems).toEqual([]);
}

describe.skipIf(!runBrowserSuites)('chat screens (screenshots)', { timeout: 60_000 }, () => {
  // A team's worth of rooms: the drawer must show them all while it has the height to.
  const chat = useChatInBrowser({ kind: 'SQLite' }, { seed: (open) => seedRooms(open()) });
  // The longest name allowed: what must still fit in the sidebar and the drawer.
  const longName = 'Bartholomew_Fitzgerald24';
  let sam: Page;

  beforeAll(async () => {
    sam = await chat.openSignedUp('Sam', { viewport: DESKTOP });
  }, 60_000);
  afterAll(() => expect(chat.pageErrors).toEqual([]));

  it.each([
    ['light', LIGHT_PHONE],
    ['dark', DARK_PHONE],
  ] as const)('sign-in and sign-up on a phone (%s)', async (scheme, options) => {
    const page = await chat.openPage(`auth-${scheme}`, options);
    await page.locator('#auth-dialog[open]').waitFor(WAIT);
    await expectFits(page, '#auth-dialog');
    await screenshot(page, `sign-in-phone-${scheme}`);
    await page.click('#auth-switch');
    await page.locator('#auth-submit', { hasText: 'Create account' }).waitFor(WAIT);
    await page.fill('#auth-username', 'x');
    await page.fill('#auth-password', 'a long password');
    await page.click('#auth-submit');
    await page.locator('#auth-error', { hasText: /2 to 24 characters/ }).waitFor(WAIT);
    await expectFits(page, '#auth-dialog');
    await screenshot(page, `sign-up-phone-${scheme}`);
    await page.context().close();
  });

  it('a private room, a DM and the drawer on a phone, with the longest username', async () => {
    const phone = await chat.openSignedUp(longName, LIGHT_PHONE);
    await phone.click('#menu-button');
    await phone.locator('.app.drawer-open').waitFor(WAIT);
    await phone.locator('#me-nick', { hasText: `@${longName}` }).waitFor(WAIT);
    await phone.locator('#people-list li', { hasText: 'Sam' }).waitFor(WAIT);
    await expectFits(phone, '#sidebar');
    // The handle is whole: wrapped if it must, never cut with an ellipsis.
    expect(await phone.locator('#me-nick').evaluate((node) => node.scrollWidth <= node.clientWidth)).toBe(true);
    // The whole "Signed in as" card, its buttons included, is on screen inside the open drawer.
    for (const selector of ['#me-nick', '#change-password', '#sign-out']) {
      const box = await phone.locator(selector).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width && box.y + box.height <= PHONE.height).toBe(true);
    }
    // Every room is listed without scrolling: the list is not cut short while the drawer has room.
    const list = await phone.locator('#room-list').evaluate((node) => [node.scrollHeight, node.clientHeight]);
    expect(list[0]).toBeLessThanOrEqual(list[1] + 1);
    await screenshot(phone, 'drawer-phone');
    // The open drawer covers the chat: Tab goes round the drawer, never to what is behind it.
    for (let i = 0; i < 15; i++) {
      await phone.keyboard.press('Tab');
      expect(await phone.evaluate(() => !document.activeElement?.closest('main'))).toBe(true);
    }

    // Escape in the new-room field closes the form alone: the drawer stays open, the focus on "+".
    await phone.click('#new-room-toggle');
    await phone.fill('#new-room-name', 'never-made');
    await phone.press('#new-room-name', 'Escape');
    await phone.locator('#new-room-form').waitFor({ ...WAIT, state: 'hidden' });
    expect(await phone.evaluate(() => document.activeElement?.id)).toBe('new-room-toggle');
    expect(await phone.locator('.app.drawer-open').count()).toBe(1);
    // The checkbox stays a checkbox beside its label, and a button creates the room (no Enter needed).
    await phone.click('#new-room-toggle');
    await phone.fill('#new-room-name', 'quarterly-planning-board');
    await phone.check('#new-room-private');
    const checkbox = await phone.locator('#new-room-private').boundingBox();
    expect(checkbox && checkbox.width < 24).toBe(true);
    await expectFits(phone, '#sidebar');
    await screenshot(phone, 'new-room-phone');
    await phone.click('#new-room-create');
    await phone.locator('#room-name', { hasText: 'quarterly-planning-board' }).waitFor(WAIT);
    await send(phone, 'Only members can read this.');
    await phone.locator('#message-list .msg.own[data-status="delivered"]').waitFor(WAIT);
    await expectFits(phone, '.chat');
    expect(await phone.locator('#room-sub').textContent()).toBe('Private · 1 person here');
    // The owner's four room actions take a second row rather than the room's name, on a phone and
    // in a narrow window beside the sidebar; the status stays on screen.
    for (const viewport of [PHONE, { width: 800, height: 900 }]) {
      await phone.setViewportSize(viewport);
      await settled(phone);
      const name = await phone.locator('#room-name').boundingBox();
      expect(name && name.width > 100).toBe(true);
      const status = await phone.locator('#status').boundingBox();
      expect(status && status.x + status.width <= viewport.width).toBe(true);
      await expectFits(phone, '.topbar');
    }
    await phone.setViewportSize(PHONE);
    await screenshot(phone, 'private-room-phone');

    // Leaving a private room asks first (only the owner invites, and the owner who leaves is out for
    // good); Escape, or Stay, keeps the room.
    await phone.click('#leave-button');
    await phone.locator('#leave-dialog[open]').waitFor(WAIT);
    expect(await phone.locator('#leave-text').textContent()).toMatch(/no one can invite you back/);
    expect(await phone.evaluate(() => document.activeElement?.id)).toBe('leave-cancel');
    await expectFits(phone, '#leave-dialog');
    await screenshot(phone, 'leave-private-phone');
    await phone.keyboard.press('Escape');
    await phone.locator('#leave-dialog[open]').waitFor({ ...WAIT, state: 'detached' });
    expect(await phone.locator('#room-name').textContent()).toBe('quarterly-planning-board');
    await phone.click('#leave-button');
    await phone.click('#leave-dialog[open] #leave-confirm');
    await phone.locator('#room-name', { hasText: /^general$/ }).waitFor(WAIT);
    await phone.locator('#room-list li[data-room="quarterly-planning-board"]').waitFor({ ...WAIT, state: 'detached' });

    await phone.click('#menu-button');
    await phone.click('#room-list li[data-room="general"] button');
    await phone.click('#menu-button');
    await phone.locator('#people-list li', { hasText: 'Sam' }).locator('.person-dm').click();
    await phone.locator('#room-list li.active .name', { hasText: /^Sam$/ }).waitFor({ ...WAIT, state: 'attached' });
    await send(phone, 'Hi Sam, a word in private?');
    await sam.click('#room-list li[data-room^="dm-"] button');
    await shown(sam, 'Hi Sam, a word in private?');
    await send(sam, 'Sure, go ahead.');
    await shown(phone, 'Sure, go ahead.');
    await expectFits(phone, '.chat');
    // A DM is headed by the other person, not by its room id.
    expect(await phone.locator('.room-title h1').textContent()).toBe('@Sam');
    expect(await phone.locator('#history-edge .edge-title').textContent()).toBe('Welcome to @Sam');
    expect(await phone.getAttribute('#input', 'placeholder')).toBe('Message @Sam');
    await screenshot(phone, 'dm-phone');
    await phone.context().close();
  });

  it('the chat on a desktop in dark mode', async () => {
    const dark = await chat.openSignedUp('Dana', { viewport: DESKTOP, colorScheme: 'dark' });
    await sam.click('#room-list li[data-room="general"] button');
    await send(sam, 'Good evening, Dana.');
    await shown(dark, 'Good evening, Dana.');
    await send(dark, 'Evening! Dark mode looks calm.');
    await dark.locator('#message-list .msg.own[data-status="delivered"]').waitFor(WAIT);
    await expectFits(dark);
    await screenshot(dark, 'chat-desktop-dark');
    await dark.context().close();
  });
});

/** Nine rooms besides #general, as a team soon has. */
async function seedRooms(store: ChatStore): Promise<void> {
  await store.init();
  // As many as fill the drawer of a 844 px phone exactly, with the longest username's card.
  const names = ['announcements', 'design', 'engineering', 'hiring', 'infra', 'ops', 'random', 'sales', 'support'];
  for (const name of names) await store.createRoom(name, Date.now());
  await store.close();
}
