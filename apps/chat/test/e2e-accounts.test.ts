/**
 * In headless Chromium: Change password from the sidebar, in the page's own dialog (Escape cancels,
 * a refusal stays in view, Enter submits, the focus goes back to the button), and what it does to
 * the account's other sessions: another browser is signed out, this one chats on. Screenshots of
 * the sidebar and of the dialog in the four looks go to test/screenshots/.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { connected, delivered, describeChatInBrowser, fillAuth, PASSWORD, send, WAIT } from './browser-harness.js';
import { screenshotLooks } from './screenshot-variants.js';

const NEW_PASSWORD = 'purple staple galaxy';

/** Waits until the focused element matches `selector`. */
async function focused(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((wanted) => document.activeElement?.matches(wanted) === true, selector, WAIT);
}

async function openDialog(page: Page): Promise<void> {
  await page.click('#change-password');
  await page.locator('#password-dialog[open]').waitFor(WAIT);
  await focused(page, '#password-current');
}

describeChatInBrowser('change password in a real browser', 120_000, {}, (chat) => {
  it('changes the password from the sidebar; the other browser is signed out, this one chats on', async () => {
    const here = await chat.openSignedUp('ada');
    const elsewhere = await chat.openPage('ada-elsewhere');
    await fillAuth(elsewhere, 'signin', 'ada', PASSWORD);
    await connected(elsewhere);

    // The fields say what they are, to people and to password managers.
    await openDialog(here);
    expect(await here.getByLabel('Current password').getAttribute('autocomplete')).toBe('current-password');
    expect(await here.getByLabel('New password').getAttribute('autocomplete')).toBe('new-password');
    // Escape cancels: nothing sent, the focus back on the button.
    await here.getByLabel('Current password').fill('typed then dropped');
    await here.keyboard.press('Escape');
    await here.locator('#password-dialog').waitFor({ ...WAIT, state: 'hidden' });
    await focused(here, '#change-password');

    // A wrong current password: refused in place, the dialog stays open on the field to correct.
    await openDialog(here);
    expect(await here.getByLabel('Current password').inputValue()).toBe('');
    await here.getByLabel('Current password').fill('not my password');
    await here.getByLabel('New password').fill(NEW_PASSWORD);
    await here.keyboard.press('Enter');
    await here.locator('#password-error', { hasText: 'The current password is wrong.' }).waitFor(WAIT);
    await focused(here, '#password-current');
    await screenshotLooks(here, 'change-password-refused');

    // Too short a new password: said before anything is sent.
    await here.getByLabel('Current password').fill(PASSWORD);
    await here.getByLabel('New password').fill('short');
    await here.keyboard.press('Enter');
    await here.locator('#password-error', { hasText: 'A password is 8 to 200 characters.' }).waitFor(WAIT);
    await focused(here, '#password-new');

    // The change: Enter submits, a toast confirms, the focus is back on the button.
    await here.getByLabel('New password').fill(NEW_PASSWORD);
    await here.keyboard.press('Enter');
    await here.locator('#password-dialog').waitFor({ ...WAIT, state: 'hidden' });
    await here.locator('.toast', { hasText: 'Password changed. Other sessions were signed out.' }).waitFor(WAIT);
    await focused(here, '#change-password');
    await screenshotLooks(here, 'change-password-done');

    // The other browser is back at the sign-in screen; the old password no longer opens the account.
    await elsewhere.locator('#auth-dialog[open]').waitFor(WAIT);
    await fillAuth(elsewhere, 'signin', 'ada', PASSWORD);
    await elsewhere.locator('#auth-error', { hasText: 'Wrong username or password.' }).waitFor(WAIT);
    await fillAuth(elsewhere, 'signin', 'ada', NEW_PASSWORD);
    await connected(elsewhere);

    // This browser never lost its session.
    await connected(here);
    await send(here, 'still here');
    await delivered(here, 'still here');

    // The button sits by Sign out, on a phone inside the drawer.
    await screenshotLooks(here, 'change-password-sidebar', async (page, look) => {
      if (!look.startsWith('phone') || (await page.locator('.app.drawer-open').count()) > 0) return;
      await page.click('#menu-button');
      await page.locator('.app.drawer-open').waitFor(WAIT);
    });
    expect(chat.pageErrors).toEqual([]);
  });
});
