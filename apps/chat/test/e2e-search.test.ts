import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { ChatStore } from '../src/store/index.js';
import { connected, createRoom, describeChatInBrowser, saveScreenshot, send, shown, WAIT } from './browser-harness.js';
import { screenshotLooks } from './screenshot-variants.js';

/** A public room whose 150 messages start with the one a search will jump back to. */
async function seedHistory(store: ChatStore): Promise<void> {
  await store.init();
  const start = Date.now() - 2 * 86_400_000;
  await store.createRoom('history', start);
  for (let i = 0; i < 150; i++) {
    const text = i === 3 ? 'the needle in the haystack' : `entry ${i}`;
    await store.appendMessage({ room: 'history', nick: 'Dan', text, ts: start + i * 60_000, clientId: null });
  }
  await store.close();
}

async function searchFor(page: Page, query: string, options: { here?: boolean } = {}): Promise<string[]> {
  if (await page.locator('#search-panel').isHidden()) await page.click('#search-toggle');
  await page.locator('#search-here').setChecked(options.here ?? false);
  await page.fill('#search-input', query);
  await page.press('#search-input', 'Enter');
  await page.waitForFunction(
    () => !['', 'Searching…'].includes(document.getElementById('search-status')?.textContent ?? ''),
    undefined,
    WAIT,
  );
  return page.$$eval('#search-results .hit-text', (nodes) => nodes.map((node) => node.textContent ?? ''));
}

describeChatInBrowser('search in a real browser', 90_000, { seed: (open) => seedHistory(open()) }, (chat) => {
  let [ada, bob, carol]: Page[] = [];
  beforeAll(async () => {
    [ada, bob, carol] = await chat.openAllSignedUp(['ada', 'bob', 'carol']);
  }, 90_000);

  it("finds a private room's messages for its members only", async () => {
    await createRoom(ada, 'plans', { private: true });
    await send(ada, 'The secret launch is on Monday');
    await shown(ada, 'The secret launch is on Monday');

    expect(await searchFor(ada, 'launch')).toEqual(['The secret launch is on Monday']);
    expect(await ada.locator('#search-results .hit-room').allTextContents()).toEqual(['#plans']);
    expect(await ada.locator('#search-results mark').allTextContents()).toEqual(['launch']);
    expect(await searchFor(bob, 'launch')).toEqual([]);
    expect(await bob.locator('#search-status').textContent()).toBe('No messages found.');
    // Escape closes the panel and gives the focus back to the magnifier, not to the page's body.
    await bob.press('#search-input', 'Escape');
    await bob.locator('#search-panel').waitFor({ ...WAIT, state: 'hidden' });
    expect(await bob.evaluate(() => document.activeElement?.id)).toBe('search-toggle');
  });

  it('finds a message sent a moment ago, in every readable room or only the current one', async () => {
    await send(carol, 'Launch party on Friday!');
    await shown(bob, 'Launch party on Friday!');
    expect(await searchFor(bob, 'laun')).toEqual(['Launch party on Friday!']);
    expect(await searchFor(ada, 'launch')).toEqual(['Launch party on Friday!', 'The secret launch is on Monday']);
    // Ada is in #plans: "only here" leaves #general out.
    expect(await searchFor(ada, 'launch', { here: true })).toEqual(['The secret launch is on Monday']);
  });

  it('opens a result in its room, loading older history until the message is there', async () => {
    expect(await searchFor(carol, 'needle haystack')).toEqual(['the needle in the haystack']);
    await carol.click('#search-results .search-hit');
    await carol.locator('#room-name', { hasText: 'history' }).waitFor(WAIT);
    const found = carol.locator('#message-list .msg', { hasText: 'the needle in the haystack' });
    await found.waitFor(WAIT);
    await expect.poll(() => found.evaluate((node) => node.classList.contains('found')), WAIT).toBe(true);
    // It is in view: the page scrolled to it after loading the pages before the latest 50.
    const inView = await found.evaluate((node) => {
      const box = node.getBoundingClientRect();
      const pane = document.getElementById('messages')?.getBoundingClientRect();
      return pane !== undefined && box.top >= pane.top && box.bottom <= pane.bottom;
    });
    expect(inView).toBe(true);
    await saveScreenshot(carol, 'search-jump-desktop-light');
    expect(await carol.locator('#message-list .body').count()).toBeGreaterThanOrEqual(147);
    expect(await carol.locator('#search-panel').isHidden()).toBe(true);
  });

  it('works after a reload, and looks right on desktop and phone, light and dark', async () => {
    await bob.reload();
    await connected(bob);
    expect(await searchFor(bob, 'entry 14')).toContain('entry 14');
    await searchFor(ada, 'launch');
    await screenshotLooks(ada, 'search');
    expect(chat.pageErrors).toEqual([]);
  });
});
