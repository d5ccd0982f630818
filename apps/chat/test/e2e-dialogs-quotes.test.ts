/**
 * In headless Chromium: the page's own dialogs for Invite, Remove member and Delete message (no
 * `prompt()` / `confirm()`), reply quotes formatted like messages, no delivered mark on a deleted
 * message, and a DM headed by the other person's presence (online, away, offline) rather than a
 * head count. Screenshots of each in the four looks go to test/screenshots/.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import {
  confirmAsk,
  connected,
  createRoom,
  DESKTOP,
  delivered,
  describeChatInBrowser,
  saveScreenshot,
  send,
  shown,
  WAIT,
} from './browser-harness.js';
import { setHidden, withSignals } from './page-signals.js';
import { screenshotLooks } from './screenshot-variants.js';

/** The confirmed message whose text contains `text`. */
function message(page: Page, text: string): Locator {
  return page.locator('#message-list .msg').filter({ has: page.locator('.body', { hasText: text }) });
}

/** Waits until the focused element matches `selector`. */
async function focused(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((wanted) => document.activeElement?.matches(wanted) === true, selector, WAIT);
}

/** Hovers a message and clicks one of its actions (desktop). */
async function act(target: Locator, label: string): Promise<void> {
  await target.hover();
  await target.getByRole('button', { name: label, exact: true }).click();
}

/** The values the dialog's field suggests, once they are exactly `expected`. */
async function suggestions(page: Page, expected: string[]): Promise<void> {
  await page.waitForFunction(
    (wanted) =>
      JSON.stringify(
        [...document.querySelectorAll('#ask-suggest option')].map((o) => (o as HTMLOptionElement).value),
      ) === JSON.stringify(wanted),
    expected,
    WAIT,
  );
}

// AWAY_AFTER_MS short: a hidden tab shows as away within seconds.
describeChatInBrowser(
  'dialogs, reply quotes and DM presence in a real browser',
  150_000,
  { env: { AWAY_AFTER_MS: '3000' } },
  (chat) => {
    let ada: Page;
    let bob: Page;

    beforeAll(async () => {
      [ada, bob] = await chat.openAllSignedUp(['Ada', 'Bob', 'Cara']);
      for (const name of ['Bob', 'Cara']) await ada.locator('#people-list li', { hasText: name }).waitFor(WAIT);
    }, 90_000);

    it('asks for Invite and Remove in an in-page dialog: labelled, suggested, Enter confirms, Escape cancels', async () => {
      let prompts = 0;
      ada.on('dialog', (dialog) => {
        prompts++;
        void dialog.dismiss();
      });
      await createRoom(ada, 'ops', { private: true });

      // Escape cancels, and the focus is back on the button that opened the dialog.
      await ada.click('#invite-button');
      await ada.locator('#ask-dialog[open]').waitFor(WAIT);
      await focused(ada, '#ask-input');
      expect(await ada.locator('#ask-dialog').getByLabel('Username').count()).toBe(1);
      await suggestions(ada, ['Bob', 'Cara']);
      await ada.keyboard.press('Escape');
      await ada.locator('#ask-dialog').waitFor({ ...WAIT, state: 'hidden' });
      await focused(ada, '#invite-button');

      // A refusal is said in the dialog, which stays open to correct the name.
      await ada.click('#invite-button');
      await ada.fill('#ask-input', 'nobody-at-all');
      await ada.keyboard.press('Enter');
      await ada.locator('#ask-error', { hasText: /\S/ }).waitFor(WAIT);
      expect(await ada.locator('#ask-dialog').getAttribute('open')).not.toBeNull();
      await ada.fill('#ask-input', '@Bob');
      await ada.keyboard.press('Enter');
      await ada.locator('#ask-dialog').waitFor({ ...WAIT, state: 'hidden' });
      await ada.locator('.toast', { hasText: '@Bob can now join #ops' }).waitFor(WAIT);
      await focused(ada, '#invite-button');
      await ada.click('#invite-button');
      await confirmAsk(ada, 'Cara');

      // Remove suggests the room's members (not me), and looks right everywhere.
      await ada.click('#remove-button');
      await ada.locator('#ask-dialog[open]').waitFor(WAIT);
      await suggestions(ada, ['Bob', 'Cara']);
      await ada.fill('#ask-input', 'Ca');
      await screenshotLooks(ada, 'dialog-remove');
      await ada.setViewportSize({ width: 1440, height: 900 });
      await saveScreenshot(ada, 'dialog-remove-1440x900');
      await ada.setViewportSize(DESKTOP);
      await ada.fill('#ask-input', 'Cara');
      await ada.keyboard.press('Enter');
      await ada.locator('#ask-dialog').waitFor({ ...WAIT, state: 'hidden' });
      await ada.locator('.toast', { hasText: '@Cara was removed from #ops.' }).waitFor(WAIT);
      await focused(ada, '#remove-button');
      expect(prompts).toBe(0);
    });

    it('asks before deleting a message: Escape keeps it, Enter deletes it, and no ✓✓ stays on it', async () => {
      await ada.locator('#room-list li[data-room="general"] button').click();
      await ada.locator('#room-name', { hasText: 'general' }).waitFor(WAIT);
      await send(ada, 'Posted in the wrong room');
      await delivered(ada, 'Posted in the wrong room');
      const mine = message(ada, 'Posted in the wrong room');
      expect(await mine.locator('.mark.delivered').count()).toBe(1);

      await act(mine, 'Delete');
      await ada.locator('#ask-dialog[open]', { hasText: 'Delete this message?' }).waitFor(WAIT);
      await focused(ada, '#ask-confirm');
      await screenshotLooks(ada, 'dialog-delete');
      await ada.keyboard.press('Escape');
      await ada.locator('#ask-dialog').waitFor({ ...WAIT, state: 'hidden' });
      await focused(ada, '.msg .action-delete');
      expect(await mine.count()).toBe(1);

      await act(mine, 'Delete');
      await confirmAsk(ada);
      const placeholder = ada.locator('#message-list .msg.own.deleted').last();
      await placeholder.waitFor(WAIT);
      expect(await placeholder.locator('.mark').count()).toBe(0);
      await shown(bob, 'This message was deleted.');
      await placeholder.scrollIntoViewIfNeeded();
      await screenshotLooks(ada, 'deleted-no-mark');
    });

    it('formats a reply quote like the message: bold, code and links, a code block on one line', async () => {
      await send(ada, 'Ship the *team* update with `npm run release`, notes at https://example.com/notes');
      await shown(bob, 'Ship the team update with npm run release, notes at https://example.com/notes');
      await act(message(bob, 'Ship the team update'), 'Reply');
      await send(bob, 'On it');
      const quote = message(ada, 'On it').locator('.reply-text');
      await quote.waitFor(WAIT);
      expect(await quote.locator('strong').textContent()).toBe('team');
      expect(await quote.locator('code').textContent()).toBe('npm run release');
      expect(await quote.locator('.link').textContent()).toBe('https://example.com/notes');
      expect(await quote.locator('a').count()).toBe(0);
      expect(await quote.textContent()).not.toMatch(/[*`]/);

      const block = `Try this:\n\`\`\`js\n${Array.from({ length: 12 }, (_, i) => `const line${i} = ${i};`).join('\n')}\n\`\`\``;
      await bob.fill('#input', block);
      await bob.press('#input', 'Enter');
      await ada.locator('#message-list .msg', { hasText: 'const line11' }).waitFor(WAIT);
      const long = ada.locator('#message-list .msg', { hasText: 'const line11' });
      await act(long, 'Reply');
      await send(ada, 'Looks good');
      const codeQuote = message(bob, 'Looks good').locator('.reply-text');
      await codeQuote.waitFor(WAIT);
      expect(await codeQuote.locator('code').first().textContent()).toBe('const line0 = 0;');
      expect(await codeQuote.locator('pre').count()).toBe(0);
      expect(await codeQuote.textContent()).toMatch(/…$/);
      const box = await message(bob, 'Looks good').locator('.reply-quote').boundingBox();
      expect(box && box.height < 70).toBe(true);
      await screenshotLooks(bob, 'reply-quote-format', async (page) => {
        await message(page, 'Looks good').scrollIntoViewIfNeeded();
      });
    });

    it('heads a DM with the other person online, away or offline, even without the DM open', async () => {
      const dora = await withSignals(await chat.openSignedUp('Dora'));
      await bob.locator('#people-list li', { hasText: 'Dora' }).locator('.person-dm').click();
      await bob.locator('#room-sigil', { hasText: '@' }).waitFor(WAIT);
      const sub = bob.locator('#room-sub');
      // Dora never opened this DM: she is online anyway, and there is no "1 person here".
      await bob.locator('#room-sub[data-presence="online"]', { hasText: 'Online' }).waitFor(WAIT);
      expect(await sub.textContent()).not.toMatch(/here/);
      await screenshotLooks(bob, 'dm-presence-online');

      await setHidden(dora, true);
      await bob.locator('#room-sub[data-presence="away"]', { hasText: 'Away' }).waitFor(WAIT);
      await setHidden(dora, false);
      await dora.mouse.move(20, 20);
      await bob.locator('#room-sub[data-presence="online"]').waitFor(WAIT);

      await dora.context().close();
      await bob.locator('#room-sub[data-presence="offline"]', { hasText: 'Offline' }).waitFor(WAIT);
      await screenshotLooks(bob, 'dm-presence-offline');
      expect(chat.pageErrors).toEqual([]);
    });

    it('suggests every member to Remove after a reload, from the server: not only those seen since', async () => {
      // A fresh owner: Ada spent most of her budget of room creations and invites (5 a minute) above.
      const eve = await chat.openSignedUp('Eve');
      await createRoom(eve, 'infra', { private: true });
      for (const name of ['Bob', 'Cara']) {
        await eve.click('#invite-button');
        await confirmAsk(eve, name);
      }
      // Bob writes in the room, then leaves it: his message stays, but he is no member any more.
      await bob.locator('#room-list li[data-room="infra"] button').click();
      await bob.locator('#room-name', { hasText: 'infra' }).waitFor(WAIT);
      await send(bob, 'Bob was here');
      await shown(eve, 'Bob was here');
      await bob.click('#leave-button');
      await bob.click('#leave-dialog[open] #leave-confirm');
      await bob.locator('#room-name', { hasText: 'general' }).waitFor(WAIT);

      // After a reload the page has seen nothing of Cara in #infra: she never opened it or wrote.
      await eve.reload();
      await connected(eve);
      await eve.locator('#room-name', { hasText: 'infra' }).waitFor(WAIT);
      await shown(eve, 'Bob was here');
      await eve.click('#remove-button');
      await eve.locator('#ask-dialog[open]').waitFor(WAIT);
      await suggestions(eve, ['Cara']);
      await eve.fill('#ask-input', 'C');
      await saveScreenshot(eve, 'dialog-remove-after-reload');
      // Typed in any case: the page keeps its list in step with the server's spelling.
      await confirmAsk(eve, 'cara');
      await eve.locator('.toast', { hasText: '@Cara was removed from #infra.' }).waitFor(WAIT);
      await eve.click('#remove-button');
      await suggestions(eve, []);
      await eve.keyboard.press('Escape');
      await eve.locator('#ask-dialog').waitFor({ ...WAIT, state: 'hidden' });
      expect(chat.pageErrors).toEqual([]);
    });
  },
);
