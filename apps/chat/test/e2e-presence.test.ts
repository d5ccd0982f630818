/**
 * Online / away in headless Chromium: a person idle or with a hidden tab for a while shows as away
 * in the people list of the others, but only once every tab of theirs is; any input brings them
 * back. The server's AWAY_AFTER_MS is short here so the test does not wait minutes.
 */
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { connected, describeChatInBrowser, send, shown, WAIT } from './browser-harness.js';
import { openDrawer, screenshotLooks, setHidden, withSignals } from './page-signals.js';

/** Keeps a tab busy with input (pointer events every 200 ms) until `stop`. */
async function keepActive(page: Page): Promise<{ stop(): Promise<void> }> {
  await page.evaluate(() => {
    (window as unknown as { __busy: number }).__busy = window.setInterval(
      () => window.dispatchEvent(new Event('pointerdown')),
      200,
    );
  });
  return {
    stop: () => page.evaluate(() => clearInterval((window as unknown as { __busy: number }).__busy)),
  };
}

const person = (page: Page, name: string) => page.locator('#people-list li', { hasText: name });

// Long enough that a tab kept busy stays online even when a loaded machine delays its timers.
describeChatInBrowser('presence in a real browser', 90_000, { env: { AWAY_AFTER_MS: '4000' } }, (chat) => {
  let tab1: Page;
  let tab2: Page;
  let bob: Page;

  beforeAll(async () => {
    tab1 = await withSignals(await chat.openSignedUp('Ada'));
    await connected(tab1);
    // A second tab of the same browser: the same session and account.
    tab2 = await tab1.context().newPage();
    await tab2.goto(chat.url);
    await connected(tab2);
    bob = await withSignals(await chat.openSignedUp('Bob'));
    await person(bob, 'Ada').waitFor(WAIT);
  }, 90_000);

  it('is away only when every tab is: hidden in one, active in the other, then idle in both', async () => {
    const busy = await keepActive(tab2);
    const bobBusy = await keepActive(bob);
    await setHidden(tab1, true);
    await tab1.locator('body[data-away="true"]').waitFor(WAIT);
    // One tab away, one in use: still online for Bob (a message round trip lets any list arrive).
    await send(bob, 'are you there?');
    await shown(tab2, 'are you there?');
    await shown(bob, 'are you there?');
    expect(await person(bob, 'Ada').evaluate((node) => node.classList.contains('away'))).toBe(false);

    await busy.stop();
    await tab2.locator('body[data-away="true"]').waitFor(WAIT);
    await bob.locator('#people-list li.away', { hasText: 'Ada' }).locator('.away-tag').waitFor(WAIT);
    expect(await person(bob, 'Ada').getAttribute('title')).toBe('Ada is away');

    // Any input in one tab: back online.
    await tab2.mouse.move(10, 10);
    await tab2.mouse.move(50, 60);
    await bob.locator('#people-list li:not(.away)', { hasText: 'Ada' }).waitFor(WAIT);
    await bobBusy.stop();
  });

  it('shows who is away in every look (screenshots)', async () => {
    await setHidden(tab2, true);
    await bob.locator('#people-list li.away', { hasText: 'Ada' }).waitFor(WAIT);
    await screenshotLooks(chat, 'Bob', 'presence-away', async (page, phone) => {
      await page.locator('#people-list li.away', { hasText: 'Ada' }).waitFor(WAIT);
      if (phone) await openDrawer(page);
    });
    expect(chat.pageErrors).toEqual([]);
  });
});
