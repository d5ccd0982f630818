/**
 * End to end in headless Chromium: two people chat through the real server process, which is
 * killed (SIGKILL) and restarted in the middle.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { ChatStore } from '../src/store/index.js';
import {
  confirmAsk,
  connected,
  createRoom,
  DESKTOP,
  delivered,
  describeChatInBrowser,
  fillAuth,
  PASSWORD,
  PHONE,
  SCREENSHOTS,
  saveScreenshot,
  send,
  shown,
  visibleTexts,
  WAIT,
} from './browser-harness.js';

describeChatInBrowser('chat in a real browser', 60_000, { seed: (open) => seedArchive(open()) }, (chat) => {
  let [ada, bob]: Page[] = [];
  beforeAll(async () => {
    ada = await chat.openSignedUp('Ada', { viewport: DESKTOP });
    bob = await chat.openSignedUp('Bob', { viewport: PHONE });
  }, 60_000);
  const pageErrors = chat.pageErrors;

  it('two people exchange messages in #general, with delivery marks', async () => {
    await send(ada, 'Hello from Ada');
    await shown(bob, 'Hello from Ada');
    await send(bob, 'Hi Ada, Bob here');
    await shown(ada, 'Hi Ada, Bob here');
    // Ada's own message is acknowledged by the server: delivered, nothing left pending.
    await delivered(ada, 'Hello from Ada');
    expect(await ada.locator('#pending-list .msg').count()).toBe(0);
    // Presence: both are listed in the room.
    await ada.locator('#people-list li', { hasText: 'Bob' }).waitFor(WAIT);
    expect(await ada.locator('#room-sub').textContent()).toBe('2 people here');
  });

  it('shows who is typing', async () => {
    await bob.fill('#input', 'typing something');
    await bob.locator('#input').press('End');
    await bob.locator('#input').pressSequentially('!');
    await ada.locator('#typing', { hasText: 'Bob is typing…' }).waitFor(WAIT);
    await bob.fill('#input', '');
  });

  it('creates a room, and the other person follows into it', async () => {
    await ada.click('#new-room-toggle');
    await ada.fill('#new-room-name', 'Project X');
    await ada.press('#new-room-name', 'Enter');
    await ada.locator('#room-name', { hasText: 'project-x' }).waitFor(WAIT);
    // Bob sees the new room appear (from the drawer on his phone-sized screen) and opens it.
    await bob.click('#menu-button');
    await bob.locator('#room-list li[data-room="project-x"] button').click();
    await bob.locator('#room-name', { hasText: 'project-x' }).waitFor(WAIT);
    await send(ada, 'Welcome to project x');
    await shown(bob, 'Welcome to project x');
    await send(bob, 'Glad to be here');
    await shown(ada, 'Glad to be here');
    // Bob's own message moves from the pending list to the room once its ack is back.
    await delivered(bob, 'Glad to be here');
    expect(await visibleTexts(bob)).toEqual(['Welcome to project x', 'Glad to be here']);
  });

  it('shows an HTML payload as text', async () => {
    const payload = '<img src=x onerror="window.__pwned=1"><b>bold?</b><script>window.__pwned=2</script>';
    await send(ada, payload);
    await shown(bob, payload);
    expect(await bob.locator('#message-list img, #message-list b, #message-list script').count()).toBe(0);
    expect(await bob.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('rejects an over-long message with a clear error', async () => {
    await ada.fill('#input', 'x'.repeat(2001));
    expect(await ada.locator('#send').isDisabled()).toBe(true);
    expect(await ada.locator('#counter').textContent()).toBe('1 over');
    await ada.fill('#input', '');
  });

  it('shows the history after a reload', async () => {
    await bob.reload();
    await connected(bob);
    // The room he was in is remembered, and its history is loaded.
    await bob.locator('#room-name', { hasText: 'project-x' }).waitFor(WAIT);
    await shown(bob, 'Glad to be here');
    expect(await visibleTexts(bob)).toEqual([
      'Welcome to project x',
      'Glad to be here',
      '<img src=x onerror="window.__pwned=1"><b>bold?</b><script>window.__pwned=2</script>',
    ]);
    await bob.click('#menu-button');
    await bob.locator('#room-list li[data-room="general"] button').click();
    await shown(bob, 'Hello from Ada');
    expect(await visibleTexts(bob)).toEqual(['Hello from Ada', 'Hi Ada, Bob here']);
  });

  it('loads older messages when scrolling up, until the start of the room', async () => {
    await ada.click('#room-list li[data-room="archive"] button');
    await shown(ada, 'archived 119');
    expect(await ada.locator('#message-list .body').count()).toBe(50);
    for (const remaining of [100, 120]) {
      await ada.locator('#messages').evaluate((node) => {
        node.scrollTop = 0;
        node.dispatchEvent(new Event('scroll'));
      });
      await ada.waitForFunction((n) => document.querySelectorAll('#message-list .body').length === n, remaining, WAIT);
    }
    await ada.locator('#history-edge', { hasText: 'Welcome to #archive' }).waitFor(WAIT);
    const texts = await visibleTexts(ada);
    expect(texts).toEqual(Array.from({ length: 120 }, (_, i) => `archived ${i}`));
  });

  it('survives a server crash: both reconnect, and a message sent meanwhile arrives exactly once', async () => {
    await ada.click('#room-list li[data-room="general"] button');
    await ada.locator('#room-name', { hasText: 'general' }).waitFor(WAIT);

    await chat.server.kill();
    await ada.locator('.app:not([data-status="connected"])').waitFor(WAIT);
    await bob.locator('.app:not([data-status="connected"])').waitFor(WAIT);
    await ada.locator('#banner', { hasText: 'Not connected' }).waitFor(WAIT);

    // Written while the server is down: kept by the page, marked as waiting.
    await send(ada, 'Sent while the server was down');
    await ada
      .locator('#pending-list .msg[data-status="queued"]', { hasText: 'Sent while the server was down' })
      .waitFor(WAIT);
    await saveScreenshot(ada, 'chat-offline');

    await chat.server.start();
    await connected(ada);
    await connected(bob);
    await shown(bob, 'Sent while the server was down');
    await ada
      .locator('#message-list .msg[data-status="delivered"]', { hasText: 'Sent while the server was down' })
      .waitFor(WAIT);

    // Live traffic flows again both ways; by the time it arrives, any duplicate would have too.
    await send(bob, 'Back online');
    await shown(ada, 'Back online');
    await send(ada, 'Great');
    await shown(bob, 'Great');
    // Ada's own copy moves from the pending list into the history once the server acknowledges it.
    await ada.locator('#message-list .msg[data-status="delivered"]', { hasText: 'Great' }).waitFor(WAIT);
    const expected = ['Hello from Ada', 'Hi Ada, Bob here', 'Sent while the server was down', 'Back online', 'Great'];
    expect(await visibleTexts(bob)).toEqual(expected);
    expect(await visibleTexts(ada)).toEqual(expected);
    expect(await ada.locator('#pending-list .msg').count()).toBe(0);
  });

  it('signs up, out and in again; a second account can neither take nor imitate the name', async () => {
    await ada.locator('#me-nick', { hasText: '@Ada' }).waitFor(WAIT);
    expect(await ada.locator('.me-hint').textContent()).toBe('Signed in as');

    const context = await chat.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const eve = await context.newPage();
    eve.on('pageerror', (err) => pageErrors.push(`eve: ${err.message}`));
    await eve.goto(chat.url);
    await eve.locator('#auth-dialog[open]').waitFor(WAIT);
    await saveScreenshot(eve, 'sign-in-dark');
    // The taken name, in another case, and a Cyrillic look-alike: both refused with a reason.
    for (const [name, reason] of [
      ['ada', /taken/],
      ['\u0430da', /letters a-z/],
    ] as const) {
      await fillAuth(eve, 'signup', name, 'a long password');
      await eve.locator('#auth-error', { hasText: reason }).waitFor(WAIT);
      expect(await eve.locator('#auth-dialog[open]').count()).toBe(1);
    }
    // A wrong password for the real Ada is refused.
    await fillAuth(eve, 'signin', 'Ada', 'not her password');
    await eve.locator('#auth-error', { hasText: /Wrong username or password/ }).waitFor(WAIT);
    await context.close();

    // Ada signs out: back to the sign-in screen, her socket gone from the room.
    const bobSeesAdaLeave = bob.locator('#people-list li', { hasText: 'Ada' }).waitFor({ ...WAIT, state: 'detached' });
    await ada.click('#sign-out');
    await ada.locator('#auth-dialog[open]').waitFor(WAIT);
    await bobSeesAdaLeave;
    // And in again: her own earlier messages are still hers (by account, not by name).
    await fillAuth(ada, 'signin', 'ada', PASSWORD);
    await connected(ada);
    // Focus is in the message box: the first words typed after signing in are not lost.
    expect(await ada.evaluate(() => document.activeElement?.id)).toBe('input');
    await ada.locator('#me-nick', { hasText: '@Ada' }).waitFor(WAIT);
    await ada.locator('#message-list .msg.own .body', { hasText: 'Hello from Ada' }).waitFor(WAIT);
    await bob.locator('#people-list li', { hasText: 'Ada' }).waitFor(WAIT);
  });

  it('keeps a private room and a DM to their members, and leaves a room', async () => {
    const desktop = { width: 1280, height: 800 };
    const cara = await chat.openSignedUp('Cara', { viewport: desktop });
    const eve = await chat.openSignedUp('Eve', { viewport: desktop });
    for (const page of [ada, cara, eve]) await page.click('#room-list li[data-room="general"] button');

    // Ada creates a private room and invites Cara by username.
    await createRoom(ada, 'hideout', { private: true });
    await send(ada, 'Secret plan');
    await delivered(ada, 'Secret plan');
    await ada.click('#invite-button');
    await confirmAsk(ada, 'Cara');
    await cara.locator('#room-list li[data-room="hideout"]').waitFor(WAIT);
    await cara.click('#room-list li[data-room="hideout"] button');
    await shown(cara, 'Secret plan');

    // Cara starts a DM with Ada from the people list; both sidebars list it by the other's name.
    await cara.click('#room-list li[data-room="general"] button');
    await cara.locator('#people-list li', { hasText: 'Ada' }).locator('.person-dm').click();
    await cara.locator('#room-list li.active .name', { hasText: /^Ada$/ }).waitFor(WAIT);
    await send(cara, 'Just between us');
    await ada.locator('#room-list .name', { hasText: /^Cara$/ }).waitFor(WAIT);
    const dm = await cara.locator('#room-list li.active').getAttribute('data-room');
    expect(dm).toMatch(/^dm-\d+-\d+$/);

    // Eve sees neither in her sidebar, and her own session's socket cannot read them either.
    await eve.reload();
    await connected(eve);
    const eveRooms = await eve.locator('#room-list li').evaluateAll((items) => items.map((li) => li.dataset.room));
    expect(eveRooms).not.toContain('hideout');
    expect(eveRooms).not.toContain(dm);
    const probes = await eve.evaluate(
      async (rooms) => {
        const socket = (
          window as unknown as {
            io: (opts: object) => { emitWithAck(...args: unknown[]): Promise<unknown>; disconnect(): void };
          }
        ).io({ forceNew: true });
        const answers = [];
        for (const room of rooms) {
          answers.push(await socket.emitWithAck('history:after', { room, after: 0 }));
          answers.push(await socket.emitWithAck('room:join', { room }));
        }
        socket.disconnect();
        return answers;
      },
      ['hideout', dm as string],
    );
    for (const answer of probes) expect(answer).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ROOM' } });

    // Cara leaves the private room: gone from her sidebar, and from the room's people for Ada.
    await ada.click('#room-list li[data-room="hideout"] button');
    await ada.locator('#people-list li', { hasText: 'Cara' }).waitFor(WAIT);
    await cara.click('#room-list li[data-room="hideout"] button');
    await cara.click('#leave-button');
    // A private room asks first: only its owner could bring her back.
    await cara.click('#leave-dialog[open] #leave-confirm');
    await cara.locator('#room-list li[data-room="hideout"]').waitFor({ ...WAIT, state: 'detached' });
    await cara.locator('#room-name', { hasText: 'general' }).waitFor(WAIT);
    await ada.locator('#people-list li', { hasText: 'Cara' }).waitFor({ ...WAIT, state: 'detached' });
    await saveScreenshot(ada, 'private-room-desktop');
    await ada.click('#room-list li[data-room="general"] button');
    await cara.context().close();
    await eve.context().close();
  });

  it('phone drawer: out of the tab order while closed, closed by Escape', async () => {
    const inSidebar = () => bob.evaluate(() => Boolean(document.activeElement?.closest('#sidebar')));
    await bob.focus('#input');
    for (let i = 0; i < 12; i++) {
      await bob.keyboard.press('Tab');
      expect(await inSidebar()).toBe(false);
    }
    await bob.click('#menu-button');
    await bob.locator('.app.drawer-open').waitFor(WAIT);
    expect(await inSidebar()).toBe(true);
    await bob.keyboard.press('Escape');
    await bob.locator('.app.drawer-open').waitFor({ ...WAIT, state: 'detached' });
    expect(await bob.locator('#sidebar').evaluate((node) => (node as HTMLElement).inert)).toBe(true);
  });

  it('says how far over the limit a long paste or name is instead of cutting it', async () => {
    const long = 'x'.repeat(4500);
    await ada.fill('#input', long);
    expect(await ada.inputValue('#input')).toHaveLength(4500);
    expect(await ada.locator('#counter').textContent()).toBe('2500 over');
    expect(await ada.locator('#send').isDisabled()).toBe(true);
    await ada.fill('#input', '');

    const context = await chat.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(chat.url);
    await fillAuth(page, 'signup', 'n'.repeat(30), PASSWORD);
    await page.locator('#auth-error', { hasText: /2 to 24 characters/ }).waitFor(WAIT);
    expect(await page.inputValue('#auth-username')).toHaveLength(30);
    await context.close();
  });

  it('counts every queued message in the offline banner as it is written', async () => {
    await ada.click('#room-list li[data-room="general"] button');
    await ada.context().setOffline(true);
    await ada.locator('.app[data-status="offline"]').waitFor(WAIT);
    // Read in the same turn as the Enter press: the count must not wait for the next reconnection attempt.
    const sendAndReadBanner = (text: string) =>
      ada.evaluate((value) => {
        const input = document.getElementById('input') as HTMLTextAreaElement;
        input.value = value;
        input.dispatchEvent(new Event('input'));
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
        return document.getElementById('banner')?.textContent;
      }, text);
    expect(await sendAndReadBanner('queued one')).toContain('1 message is waiting');
    expect(await sendAndReadBanner('queued two')).toContain('2 messages are waiting');
    await ada.context().setOffline(false);
    await connected(ada);
    await shown(bob, 'queued two');
    await delivered(ada, 'queued two');
    expect(await ada.locator('#pending-list .msg').count()).toBe(0);
  });

  it('two tabs share one offline queue: a message queued in a tab closed meanwhile is delivered once', async () => {
    const tab1 = await ada.context().newPage();
    tab1.on('pageerror', (err) => pageErrors.push(`ada tab 1: ${err.message}`));
    await tab1.goto(chat.url);
    await connected(tab1);
    await ada.context().setOffline(true);
    await tab1.locator('.app[data-status="offline"]').waitFor(WAIT);
    await ada.locator('.app[data-status="offline"]').waitFor(WAIT);
    await send(tab1, 'queued in tab one');
    await tab1.locator('#banner', { hasText: '1 message is waiting' }).waitFor(WAIT);
    await send(ada, 'queued in tab two');
    await ada.locator('#banner', { hasText: '2 messages are waiting' }).waitFor(WAIT);
    await tab1.close();
    await ada.context().setOffline(false);
    await connected(ada);
    await shown(bob, 'queued in tab one');
    await shown(bob, 'queued in tab two');
    await delivered(ada, 'queued in tab one');
    const texts = await visibleTexts(bob);
    expect(texts.filter((text) => text === 'queued in tab one')).toHaveLength(1);
    expect(texts.filter((text) => text === 'queued in tab two')).toHaveLength(1);
    expect(await ada.locator('#pending-list .msg').count()).toBe(0);
  });

  it('looks finished on a desktop and on a phone (screenshots)', async () => {
    await saveScreenshot(ada, 'chat-desktop');
    await saveScreenshot(bob, 'chat-phone');
    expect(fs.statSync(path.join(SCREENSHOTS, 'chat-phone.png')).size).toBeGreaterThan(5000);
    expect(pageErrors).toEqual([]);
  });

  // Last: the burst fills the room, which the tests above look at exactly.
  it('keeps messages refused by the rate limit in the outbox and sends them after the wait, once, in order', async () => {
    // More than the send budget (10 per 5 s) at once: the rest are refused with a wait.
    const texts = Array.from({ length: 14 }, (_, i) => `burst ${i}`);
    for (const text of texts) await send(ada, text);
    // One toast per refusal: there may be several.
    await ada
      .locator('.toast', { hasText: /sending too fast; wait \d+ seconds?/ })
      .first()
      .waitFor(WAIT);
    await shown(bob, 'burst 13');
    expect((await visibleTexts(bob)).filter((text) => text.startsWith('burst '))).toEqual(texts);
    await ada.locator('#message-list .msg.own[data-status="delivered"] .body', { hasText: 'burst 13' }).waitFor(WAIT);
    expect(await ada.locator('#pending-list .msg').count()).toBe(0);
  });
});

/** A room with 120 old messages, written before the server starts (then closed, as the server owns the file). */
async function seedArchive(store: ChatStore): Promise<void> {
  await store.init();
  await store.createRoom('archive', Date.now() - 86_400_000);
  for (let i = 0; i < 120; i++) {
    const ts = Date.now() - 86_400_000 + i * 60_000;
    await store.appendMessage({
      room: 'archive',
      nick: i % 3 === 0 ? 'Carol' : 'Dan',
      text: `archived ${i}`,
      ts,
      clientId: null,
    });
  }
  await store.close();
}
