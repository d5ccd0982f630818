/**
 * @mentions in headless Chromium, three people: suggestions while typing "@", highlighted mentions
 * of me, a mention badge on a room not open, and desktop notifications for mentions and DMs while
 * the tab is hidden (permission asked from the button only), none for a muted room.
 */
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { createRoom, describeChatInBrowser, send, shown, WAIT } from './browser-harness.js';
import { notifications, openDrawer, openRoom, screenshotLooks, setHidden, withSignals } from './page-signals.js';

async function notified(page: Page, title: string): Promise<void> {
  await page
    .waitForFunction(
      (expected) =>
        (window as unknown as { __notifications: { title: string }[] }).__notifications.some(
          (n) => n.title === expected,
        ),
      title,
      WAIT,
    )
    .catch(async (err: Error) => {
      throw new Error(`no notification "${title}" among ${JSON.stringify(await notifications(page))}: ${err.message}`);
    });
}

describeChatInBrowser('mentions in a real browser', 90_000, {}, (chat) => {
  let ada: Page;
  let bob: Page;
  let cara: Page;

  beforeAll(async () => {
    ada = await withSignals(await chat.openSignedUp('Ada'));
    bob = await withSignals(await chat.openSignedUp('Bob'));
    cara = await withSignals(await chat.openSignedUp('Cara'));
    for (const page of [ada, bob, cara]) await page.locator('#people-list li', { hasText: 'Cara' }).waitFor(WAIT);
  }, 90_000);

  it('suggests the people of the room on "@", by keyboard', async () => {
    await ada.fill('#input', 'hi @');
    await ada.locator('#mention-suggest .suggestion').first().waitFor(WAIT);
    expect(await ada.locator('#mention-suggest .suggestion-name').allTextContents()).toEqual(['@Bob', '@Cara']);
    await ada.locator('#input').pressSequentially('c');
    expect(await ada.locator('#mention-suggest .suggestion-name').allTextContents()).toEqual(['@Cara']);
    await ada.press('#input', 'Backspace');
    await ada.press('#input', 'ArrowDown');
    await ada.locator('#mention-suggest .suggestion.selected', { hasText: '@Cara' }).waitFor(WAIT);
    await ada.press('#input', 'ArrowUp');
    await ada.press('#input', 'Enter');
    expect(await ada.inputValue('#input')).toBe('hi @Bob ');
    expect(await ada.locator('#mention-suggest').isHidden()).toBe(true);
    // Escape closes the list without sending; Tab picks like Enter.
    await ada.locator('#input').pressSequentially('and @');
    await ada.locator('#mention-suggest .suggestion').first().waitFor(WAIT);
    await ada.press('#input', 'Escape');
    expect(await ada.locator('#mention-suggest').isHidden()).toBe(true);
    await ada.press('#input', 'Backspace');
    await ada.locator('#input').pressSequentially('@ca');
    await ada.press('#input', 'Tab');
    expect(await ada.inputValue('#input')).toBe('hi @Bob and @Cara ');
    await ada.fill('#input', '');
  });

  it('highlights a mention of me, and raises a mention badge on a room not open', async () => {
    await send(ada, 'hi @Bob, look at this');
    await shown(bob, 'hi @Bob, look at this');
    await bob.locator('#message-list .msg.mentions-me .mention.me', { hasText: '@Bob' }).waitFor(WAIT);
    await shown(cara, 'hi @Bob, look at this');
    expect(await cara.locator('#message-list .mention', { hasText: '@Bob' }).count()).toBe(1);
    expect(await cara.locator('#message-list .mention.me, #message-list .msg.mentions-me').count()).toBe(0);

    await createRoom(ada, 'ops');
    // Bob never opened #ops: the mention reaches him anyway, as a badge distinct from the count.
    await send(ada, '@bob can you check ops?');
    await bob.locator('#room-list li[data-room="ops"] .mention-badge', { hasText: '@1' }).waitFor(WAIT);
    await bob.reload();
    await bob.locator('#room-list li[data-room="ops"] .mention-badge', { hasText: '@1' }).waitFor(WAIT);
    await openRoom(bob, 'ops');
    await bob.locator('#message-list .mention.me').waitFor(WAIT);
    await bob.locator('#room-list li[data-room="ops"] .mention-badge').waitFor({ ...WAIT, state: 'detached' });
    await openRoom(bob, 'general');
    await openRoom(ada, 'general');
  });

  it('notifies a hidden tab of mentions and DMs once permitted from the button; never a muted room', async () => {
    // Nothing was asked on load: the button asks.
    expect(await bob.evaluate(() => (window as unknown as { __permissionRequests: number }).__permissionRequests)).toBe(
      0,
    );
    await bob.locator('#notify-button').waitFor(WAIT);
    await bob.context().grantPermissions(['notifications']);
    await bob.click('#notify-button');
    await bob.locator('#notify-button').waitFor({ ...WAIT, state: 'hidden' });
    expect(await bob.evaluate(() => (window as unknown as { __permissionRequests: number }).__permissionRequests)).toBe(
      1,
    );

    // Visible: no notification for a mention.
    await send(ada, '@Bob while you look');
    await shown(bob, '@Bob while you look');
    await setHidden(bob, true);
    await send(cara, 'plain chatter, no mention');
    await shown(bob, 'plain chatter, no mention');
    await send(ada, 'ping @Bob');
    await notified(bob, '@Ada mentioned you in #general');

    await cara.locator('#people-list li', { hasText: 'Bob' }).locator('.person-dm').click();
    await cara.locator('#room-list li.active[data-room^="dm-"]').waitFor(WAIT);
    await send(cara, 'just between us');
    await notified(bob, '@Cara');

    // #ops muted: the mention is counted, not notified.
    await setHidden(bob, false);
    await openRoom(bob, 'ops');
    await bob.click('#mute-button');
    await bob.locator('#mute-button[aria-pressed="true"]').waitFor(WAIT);
    await openRoom(bob, 'general');
    await setHidden(bob, true);
    await ada.locator('#room-list li[data-room="ops"] button').click();
    await ada.locator('#room-name', { hasText: 'ops' }).waitFor(WAIT);
    await send(ada, '@Bob in a muted room');
    await bob.locator('#room-list li[data-room="ops"] .mention-badge', { hasText: '@1' }).waitFor(WAIT);
    await send(ada, '@Bob second in the muted room');
    await bob.locator('#room-list li[data-room="ops"] .mention-badge', { hasText: '@2' }).waitFor(WAIT);
    const titles = (await notifications(bob)).map((n) => n.title);
    expect(titles).toEqual(['@Ada mentioned you in #general', '@Cara']);
    await setHidden(bob, false);
  });

  it('looks right in every look (screenshots)', async () => {
    await screenshotLooks(chat, 'Ada', 'mentions-suggest', async (page) => {
      await page.locator('#people-list li', { hasText: 'Bob' }).waitFor(WAIT);
      await page.fill('#input', 'thanks @');
      await page.locator('#mention-suggest .suggestion').first().waitFor(WAIT);
    });
    await screenshotLooks(chat, 'Bob', 'mentions-highlight', async (page, phone) => {
      await shown(page, 'ping @Bob');
      if (phone) await openDrawer(page);
    });
    expect(chat.pageErrors).toEqual([]);
  });
});
