import type { Locator, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { ChatStore } from '../src/store/index.js';
import {
  confirmAsk,
  connected,
  createRoom,
  DESKTOP,
  delivered,
  describeChatInBrowser,
  PHONE,
  saveScreenshot,
  send,
  shown,
  WAIT,
} from './browser-harness.js';

/** The confirmed message with exactly this text. */
function message(page: Page, text: string): Locator {
  return page
    .locator('#message-list .msg')
    .filter({ has: page.locator('.body', { hasText: new RegExp(`^${text}$`) }) });
}

/** Opens a message's actions (hover on a desktop, a tap on a phone) and clicks one. */
async function act(page: Page, target: Locator, label: string): Promise<void> {
  const viewport = page.viewportSize();
  if (viewport && viewport.width < 760) await target.locator('.bubble .text').click();
  else await target.hover();
  await target.getByRole('button', { name: label, exact: true }).click();
}

async function openRoom(page: Page, room: string): Promise<void> {
  const viewport = page.viewportSize();
  if (viewport && viewport.width < 760) await page.click('#menu-button');
  await page.locator(`#room-list li[data-room="${room}"] button`).click();
  await page.locator('#room-name', { hasText: room }).waitFor(WAIT);
}

describeChatInBrowser('message changes in a real browser', 90_000, { seed: (open) => seedLore(open()) }, (chat) => {
  let ada: Page;
  let bob: Page;
  let cara: Page;

  beforeAll(async () => {
    ada = await chat.openSignedUp('Ada', { viewport: DESKTOP });
    bob = await chat.openSignedUp('Bob', { viewport: PHONE });
    cara = await chat.openSignedUp('Cara', { viewport: DESKTOP });
  }, 90_000);

  it('edits and deletes your own messages; others see the mark and the placeholder live and after a reload', async () => {
    await send(ada, 'Lunch at noon?');
    await shown(bob, 'Lunch at noon?');
    // Only your own messages offer Edit.
    await message(bob, 'Lunch at noon\\?').locator('.bubble .text').click();
    expect(await message(bob, 'Lunch at noon\\?').getByRole('button', { name: 'Edit', exact: true }).count()).toBe(0);

    await act(ada, message(ada, 'Lunch at noon\\?'), 'Edit');
    await ada.locator('#composer-context[data-kind="edit"]').waitFor(WAIT);
    expect(await ada.inputValue('#input')).toBe('Lunch at noon?');
    await send(ada, 'Lunch at 12:30?');
    await shown(bob, 'Lunch at 12:30?');
    await message(bob, 'Lunch at 12:30\\?').locator('.edited').waitFor(WAIT);
    await message(cara, 'Lunch at 12:30\\?').locator('.edited').waitFor(WAIT);
    expect(await ada.inputValue('#input')).toBe('');

    await send(ada, 'Wrong room, sorry');
    await shown(cara, 'Wrong room, sorry');
    await act(ada, message(ada, 'Wrong room, sorry'), 'Delete');
    await confirmAsk(ada);
    await message(cara, 'This message was deleted\\.').waitFor(WAIT);
    await message(bob, 'This message was deleted\\.').waitFor(WAIT);
    expect(await cara.locator('#message-list .body', { hasText: 'Wrong room' }).count()).toBe(0);

    // Up in the empty composer edits my latest message still standing (the deleted one is skipped),
    // and Escape gives the empty composer back; with a draft, Up only moves the caret.
    await message(ada, 'This message was deleted\\.').waitFor(WAIT);
    await ada.focus('#input');
    await ada.keyboard.press('ArrowUp');
    await ada.locator('#composer-context[data-kind="edit"]').waitFor(WAIT);
    expect(await ada.inputValue('#input')).toBe('Lunch at 12:30?');
    await ada.keyboard.press('Escape');
    await ada.locator('#composer-context').waitFor({ ...WAIT, state: 'hidden' });
    expect(await ada.inputValue('#input')).toBe('');
    await ada.fill('#input', 'a draft');
    await ada.keyboard.press('ArrowUp');
    expect(await ada.locator('#composer-context').isHidden()).toBe(true);
    expect(await ada.inputValue('#input')).toBe('a draft');
    await ada.fill('#input', '');

    await cara.reload();
    await connected(cara);
    await message(cara, 'Lunch at 12:30\\?').locator('.edited').waitFor(WAIT);
    await message(cara, 'This message was deleted\\.').waitFor(WAIT);
  });

  it('reacts with an emoji; counts and who reacted update live for everyone', async () => {
    await send(cara, 'Shipped the release');
    await shown(ada, 'Shipped the release');
    await act(bob, message(bob, 'Shipped the release'), 'Add a reaction');
    await bob.getByRole('menuitem', { name: 'React with 🎉' }).click();
    const adaChip = message(ada, 'Shipped the release').locator('.reaction', { hasText: '🎉' });
    await adaChip.locator('.reaction-count', { hasText: /^1$/ }).waitFor(WAIT);
    expect(await adaChip.getAttribute('title')).toBe('Bob reacted with 🎉');
    expect(await adaChip.getAttribute('aria-pressed')).toBe('false');
    // Ada adds hers by clicking the chip.
    await adaChip.click();
    const caraChip = message(cara, 'Shipped the release').locator('.reaction', { hasText: '🎉' });
    await caraChip.locator('.reaction-count', { hasText: /^2$/ }).waitFor(WAIT);
    expect(await caraChip.getAttribute('title')).toBe('Bob, Ada reacted with 🎉');
    expect(await caraChip.getAttribute('aria-label')).toContain('🎉 2: Bob, Ada');
    await message(ada, 'Shipped the release').locator('.reaction[aria-pressed="true"]').waitFor(WAIT);
    // Bob takes his back.
    await message(bob, 'Shipped the release').locator('.reaction', { hasText: '🎉' }).click();
    await caraChip.locator('.reaction-count', { hasText: /^1$/ }).waitFor(WAIT);
    expect(await caraChip.getAttribute('title')).toBe('Ada reacted with 🎉');

    await bob.reload();
    await connected(bob);
    await message(bob, 'Shipped the release').locator('.reaction', { hasText: '🎉1' }).waitFor(WAIT);
  });

  it('replies with a quoted preview; the quote jumps to the original and shows its deletion', async () => {
    await send(ada, 'Who has the keys?');
    await shown(bob, 'Who has the keys?');
    await act(bob, message(bob, 'Who has the keys\\?'), 'Reply');
    await bob.locator('#composer-context[data-kind="reply"]', { hasText: 'Replying to Ada' }).waitFor(WAIT);
    await send(bob, 'I do');
    const quote = message(ada, 'I do').locator('.reply-quote');
    await quote.locator('.reply-text', { hasText: 'Who has the keys?' }).waitFor(WAIT);
    expect(await quote.locator('.reply-nick').textContent()).toBe('Ada');
    expect(await bob.locator('#composer-context').isHidden()).toBe(true);

    await act(ada, message(ada, 'Who has the keys\\?'), 'Delete');
    await confirmAsk(ada);
    await message(cara, 'I do').locator('.reply-text.deleted', { hasText: 'Original message deleted' }).waitFor(WAIT);
    await message(bob, 'I do').locator('.reply-text.deleted').waitFor(WAIT);
  });

  it('jumps from a reply to an original far up the history, loading older pages', async () => {
    await openRoom(cara, 'lore');
    const reply = message(cara, 'lore answer');
    await reply.locator('.reply-text', { hasText: 'lore 0' }).waitFor(WAIT);
    // The original is 120 messages up: not loaded with the latest page.
    expect(await message(cara, 'lore 0').count()).toBe(0);
    await reply.locator('.reply-quote').click();
    const original = message(cara, 'lore 0');
    await original.and(cara.locator('.flash')).waitFor(WAIT);
    expect(await original.isVisible()).toBe(true);
    const box = await original.boundingBox();
    expect(box && box.y > 0 && box.y < DESKTOP.height).toBe(true);
  });

  it('keeps the focus on the message when reacting or deleting from the keyboard', async () => {
    await openRoom(ada, 'general');
    await send(ada, 'Keyboard check');
    await delivered(ada, 'Keyboard check');
    const id = await message(ada, 'Keyboard check').getAttribute('data-id');
    const mine = ada.locator(`#message-list .msg[data-id="${id}"]`);
    const focused = (selector: string) =>
      ada.waitForFunction((wanted) => document.activeElement?.matches(wanted) === true, selector, WAIT);
    await mine.locator('.action-react').focus();
    await ada.keyboard.press('Enter');
    await focused('.reaction-choice');
    // Escape closes the picker: back on its button, not on the page's body.
    await ada.keyboard.press('Escape');
    await focused(`.msg[data-id="${id}"] .action-react`);
    // Picking an emoji redraws the message: the focus comes back to its (new) button.
    await ada.keyboard.press('Enter');
    await focused('.reaction-choice');
    await ada.keyboard.press('Enter');
    await mine.locator('.reaction[aria-pressed="true"]').waitFor(WAIT);
    await focused(`.msg[data-id="${id}"] .action-react`);
    // Deleting leaves a placeholder without actions: the composer takes the focus.
    await mine.locator('.action-delete').focus();
    await ada.keyboard.press('Enter');
    // The in-page dialog takes the focus on its Delete button: Enter confirms.
    await ada.locator('#ask-dialog[open]').waitFor(WAIT);
    await focused('#ask-confirm');
    await ada.keyboard.press('Enter');
    await mine.and(ada.locator('.deleted')).waitFor(WAIT);
    await focused('#input');
  });

  it('keeps the latest message in sight when the reply bar opens under it (phone)', async () => {
    await openRoom(bob, 'lore');
    const latest = message(bob, 'lore answer');
    await latest.waitFor(WAIT);
    await act(bob, latest, 'Reply');
    await bob.locator('#composer-context[data-kind="reply"]').waitFor(WAIT);
    // The bar took height from the message pane: still scrolled to the bottom, not 50 px above it.
    await bob.waitForFunction(
      () => {
        const pane = document.getElementById('messages');
        return pane !== null && pane.scrollHeight - pane.scrollTop - pane.clientHeight < 2;
      },
      undefined,
      WAIT,
    );
    await bob.keyboard.press('Escape');
    await bob.locator('#composer-context').waitFor({ ...WAIT, state: 'hidden' });
  });

  it("lets a private room's owner delete anyone's message and remove a member, who is out at once", async () => {
    await createRoom(ada, 'crew', { private: true });
    for (const name of ['Bob', 'Cara']) {
      await ada.click('#invite-button');
      await confirmAsk(ada, name);
      await ada.locator('.toast', { hasText: `@${name} can now join` }).waitFor(WAIT);
    }
    expect(await ada.locator('#remove-button').isVisible()).toBe(true);
    await openRoom(cara, 'crew');
    await openRoom(bob, 'crew');
    expect(await cara.locator('#remove-button').isVisible()).toBe(false);
    await send(cara, 'Spam spam spam');
    await shown(ada, 'Spam spam spam');
    await shown(bob, 'Spam spam spam');
    // Bob, a member, cannot delete Cara's message; Ada, the owner, can.
    await message(bob, 'Spam spam spam').locator('.bubble .text').click();
    expect(
      await message(bob, 'Spam spam spam')
        .getByRole('button', { name: /Delete/ })
        .count(),
    ).toBe(0);
    await act(ada, message(ada, 'Spam spam spam'), 'Delete (as the room owner)');
    await confirmAsk(ada);
    await message(bob, 'This message was deleted\\.').waitFor(WAIT);

    await ada.click('#remove-button');
    await confirmAsk(ada, 'Cara');
    await cara.locator('.toast', { hasText: 'You were removed from #crew.' }).waitFor(WAIT);
    await cara.locator('#room-name', { hasText: 'general' }).waitFor(WAIT);
    expect(await cara.locator('#room-list li[data-room="crew"]').count()).toBe(0);
    await send(ada, 'Just the two of us now');
    await shown(bob, 'Just the two of us now');
    await cara.reload();
    await connected(cara);
    expect(await cara.locator('#room-list li[data-room="crew"]').count()).toBe(0);
  });

  it('catches up on changes to old messages made while the page was disconnected', async () => {
    await openRoom(bob, 'general');
    await shown(bob, 'Shipped the release');
    const id = Number(await message(bob, 'Shipped the release').getAttribute('data-id'));
    await chat.server.kill();
    await bob.locator('.app:not([data-status="connected"])').waitFor(WAIT);
    // Changed while Bob's page is away (as another node would): catch-up by id finds nothing new,
    // so only the room revision can bring this edit of an old message.
    const store = chat.openStore();
    await store.init();
    await store.editMessage('general', id, 'Shipped the release (v2.1)', Date.now());
    await store.close();
    await chat.server.start();
    await connected(bob);
    await message(bob, 'Shipped the release \\(v2\\.1\\)').locator('.edited').waitFor(WAIT);
    // Ada was in another room meanwhile: the change reached her copy of #general too.
    await connected(ada);
    await openRoom(ada, 'general');
    await message(ada, 'Shipped the release \\(v2\\.1\\)').locator('.edited').waitFor(WAIT);
  });

  it('looks right on desktop and phone, light and dark (screenshots)', async () => {
    await openRoom(bob, 'general');
    await openRoom(ada, 'general');
    await send(bob, 'Noted, thanks!');
    await shown(ada, 'Noted, thanks!');
    await act(ada, message(ada, 'Noted, thanks!'), 'Add a reaction');
    await ada.getByRole('menuitem', { name: 'React with 👍' }).click();
    await message(ada, 'Noted, thanks!').locator('.reaction').waitFor(WAIT);
    let n = 0;
    for (const [device, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        const viewer = await chat.openSignedUp(`Viewer${++n}`, { viewport, colorScheme: scheme });
        await openRoom(viewer, 'general');
        await message(viewer, 'I do').locator('.reply-quote').waitFor(WAIT);
        await act(viewer, message(viewer, 'Shipped the release \\(v2\\.1\\)'), 'Reply');
        await act(viewer, message(viewer, 'Noted, thanks!'), 'Add a reaction');
        await viewer.getByRole('menuitem', { name: 'React with 👍' }).waitFor(WAIT);
        await saveScreenshot(viewer, `message-changes-${device}-${scheme}`);
        await viewer.context().close();
      }
    }
    // The author's side: own messages offer Edit and Delete, and a reaction of mine is pressed.
    await message(ada, 'Lunch at 12:30\\?').hover();
    await saveScreenshot(ada, 'message-changes-own-desktop-light');
    await message(bob, 'I do').locator('.bubble .text').click();
    await saveScreenshot(bob, 'message-changes-own-phone-light');
    expect(chat.pageErrors).toEqual([]);
  });
});

/** A room whose latest message replies to its first, 120 messages up. */
async function seedLore(store: ChatStore): Promise<void> {
  await store.init();
  const start = Date.now() - 3_600_000;
  await store.createRoom('lore', start);
  let first = 0;
  for (let i = 0; i < 120; i++) {
    const { message } = await store.appendMessage({
      room: 'lore',
      nick: 'Old',
      text: `lore ${i}`,
      ts: start + i * 1000,
      clientId: null,
    });
    if (i === 0) first = message.id;
  }
  await store.appendMessage({
    room: 'lore',
    nick: 'Old',
    text: 'lore answer',
    ts: start + 200_000,
    clientId: null,
    replyTo: first,
  });
  await store.close();
}
