/**
 * Unread state and muting in headless Chromium: counts kept by the server survive a reload and
 * follow the account to another browser, reading in one place clears them everywhere, the tab
 * title carries the total, a divider marks the first unread message, a muted room stays quiet.
 */
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { connected, createRoom, describeChatInBrowser, send, shown, WAIT } from './browser-harness.js';
import { openDrawer, openRoom, screenshotLooks, setHidden, signInElsewhere, withSignals } from './page-signals.js';

const badge = (page: Page, room: string) => page.locator(`#room-list li[data-room="${room}"] .unread-badge`);
const mentionBadge = (page: Page, room: string) => page.locator(`#room-list li[data-room="${room}"] .mention-badge`);

async function titleIs(page: Page, title: string): Promise<void> {
  await page
    .waitForFunction((expected) => document.title === expected, title, WAIT)
    .catch(async (err: Error) => {
      throw new Error(`title is "${await page.title()}", not "${title}": ${err.message}`);
    });
}

describeChatInBrowser('unread state in a real browser', 90_000, {}, (chat) => {
  let ada: Page;
  let bob: Page;

  beforeAll(async () => {
    ada = await withSignals(await chat.openSignedUp('Ada'));
    bob = await withSignals(await chat.openSignedUp('Bob'));
    await connected(ada);
    await connected(bob);
    await createRoom(ada, 'news');
    // Bob has read #news once (so it has a marker), then went back to #general.
    await openRoom(bob, 'news');
    await openRoom(bob, 'general');
  }, 90_000);

  it('counts unread per room on the server: across a reload and in another browser, with the total in the title', async () => {
    for (const text of ['news one', 'news two', 'news three']) await send(ada, text);
    await badge(bob, 'news').filter({ hasText: '3' }).waitFor(WAIT);
    await titleIs(bob, '(3) #general · Parley');

    await bob.reload();
    await connected(bob);
    await badge(bob, 'news').filter({ hasText: '3' }).waitFor(WAIT);
    await titleIs(bob, '(3) #general · Parley');

    const elsewhere = await signInElsewhere(chat, 'Bob');
    await badge(elsewhere, 'news').filter({ hasText: '3' }).waitFor(WAIT);

    // Opening the room there: a divider above the first unread message, and the count goes, here too.
    await openRoom(elsewhere, 'news');
    await shown(elsewhere, 'news three');
    const order = await elsewhere.$$eval('#message-list > li', (nodes) =>
      nodes
        .map((node) => (node.classList.contains('new-divider') ? '--new--' : node.querySelector('.body')?.textContent))
        .filter(Boolean),
    );
    expect(order.slice(-4)).toEqual(['--new--', 'news one', 'news two', 'news three']);
    await badge(bob, 'news').waitFor({ ...WAIT, state: 'detached' });
    await titleIs(bob, '#general · Parley');
    await elsewhere.context().close();
  });

  it('counts messages that arrive while the tab is hidden, and reads them when it is shown', async () => {
    await openRoom(bob, 'news');
    await setHidden(bob, true);
    await send(ada, 'while hidden');
    await shown(bob, 'while hidden');
    await titleIs(bob, '(1) #news · Parley');
    await setHidden(bob, false);
    await titleIs(bob, '#news · Parley');
    await openRoom(bob, 'general');
    // Read on the server too: a reload shows nothing unread.
    await bob.reload();
    await connected(bob);
    await bob.locator('#room-list li[data-room="news"]').waitFor(WAIT);
    await titleIs(bob, '#general · Parley');
    expect(await badge(bob, 'news').count()).toBe(0);
  });

  it('mutes a room: a quiet mark instead of a count, mentions still counted, kept after a reload', async () => {
    await openRoom(bob, 'news');
    await bob.click('#mute-button');
    await bob.locator('#mute-button[aria-pressed="true"]', { hasText: 'Unmute' }).waitFor(WAIT);
    await openRoom(bob, 'general');
    await bob.locator('#room-list li[data-room="news"].muted .muted-mark').waitFor(WAIT);
    await send(ada, 'quiet news');
    await send(ada, 'hey @Bob, this one is for you');
    await mentionBadge(bob, 'news').filter({ hasText: '@1' }).waitFor(WAIT);
    expect(await badge(bob, 'news').count()).toBe(0);
    // Only the mention counts in the title of a muted room.
    await titleIs(bob, '(1) #general · Parley');

    await screenshotLooks(chat, 'Bob', 'unread-muted', async (page, phone) => {
      await mentionBadge(page, 'news').waitFor(WAIT);
      if (phone) await openDrawer(page);
    });

    await bob.reload();
    await connected(bob);
    await bob.locator('#room-list li[data-room="news"].muted .muted-mark').waitFor(WAIT);
    await mentionBadge(bob, 'news').filter({ hasText: '@1' }).waitFor(WAIT);
    await openRoom(bob, 'news');
    await bob.click('#mute-button');
    await bob.locator('#mute-button[aria-pressed="false"]', { hasText: 'Mute' }).waitFor(WAIT);
    await openRoom(bob, 'general');
    await send(ada, 'loud again');
    await badge(bob, 'news').filter({ hasText: '1' }).waitFor(WAIT);
  });

  it('shows the divider and counts in every look (screenshots)', async () => {
    await send(ada, 'first unread for the screenshot');
    await send(ada, 'second unread for the screenshot');
    await badge(bob, 'news').filter({ hasText: '3' }).waitFor(WAIT);
    await screenshotLooks(chat, 'Bob', 'unread-badges', async (page, phone) => {
      await badge(page, 'news').waitFor(WAIT);
      if (phone) await openDrawer(page);
    });
    // The divider, seen on opening the room: each look reads it, so two more arrive before each.
    let round = 0;
    await screenshotLooks(
      chat,
      'Bob',
      'unread-divider',
      async (page, phone) => {
        await openRoom(page, 'news', phone);
        await page.locator('.new-divider').waitFor(WAIT);
      },
      async () => {
        round += 1;
        await send(ada, `look ${round}: one unread`);
        await send(ada, `look ${round}: two unread`);
        await shown(ada, `look ${round}: two unread`);
      },
    );
    expect(chat.pageErrors).toEqual([]);
  });
});
