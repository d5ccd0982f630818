/**
 * Links and light formatting in headless Chromium: what one person types, the other sees as bold,
 * italic, code, code blocks and links built from DOM nodes, with nothing from the text run as markup.
 */
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { describeChatInBrowser, send, WAIT } from './browser-harness.js';
import { screenshotLooks } from './screenshot-variants.js';

/** The last confirmed message's body, once one contains `fragment`. */
async function bodyWith(page: Page, fragment: string) {
  const body = page.locator('#message-list .msg .body', { hasText: fragment }).last();
  await body.waitFor(WAIT);
  return body;
}

describeChatInBrowser('formatting in a real browser', 60_000, {}, (chat) => {
  let ada: Page;
  let bob: Page;

  beforeAll(async () => {
    [ada, bob] = await Promise.all([chat.openSignedUp('ada'), chat.openSignedUp('bob')]);
  }, 60_000);

  it('shows bold, italic, inline code and links to the other person', async () => {
    await send(ada, 'Deploy *today* at _noon_, run `npm test` first: https://example.com/docs?a=1.');
    const body = await bodyWith(bob, 'Deploy');
    expect(await body.locator('strong').textContent()).toBe('today');
    expect(await body.locator('em').textContent()).toBe('noon');
    expect(await body.locator('code').textContent()).toBe('npm test');
    const link = body.locator('a');
    expect(await link.textContent()).toBe('https://example.com/docs?a=1');
    expect(await link.getAttribute('href')).toBe('https://example.com/docs?a=1');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
    // The sentence's full stop is text after the link, and the whole reads as typed without markers.
    expect(await body.textContent()).toBe('Deploy today at noon, run npm test first: https://example.com/docs?a=1.');
  });

  it('renders a fenced code block as typed, without formatting inside', async () => {
    await ada.fill('#input', 'The fix:\n```ts\nconst total = *a* + _b_; // <b>not bold</b>\n```\nthanks');
    await ada.press('#input', 'Enter');
    const body = await bodyWith(bob, 'The fix:');
    expect(await body.locator('pre code').textContent()).toBe('const total = *a* + _b_; // <b>not bold</b>');
    expect(await body.locator('strong, em, b').count()).toBe(0);
  });

  it('never links other schemes, and markup in the text stays text', async () => {
    const payload =
      'javascript:alert(1) data:text/html,<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2"> ' +
      '<a href="javascript:alert(3)">x</a>';
    await send(bob, payload);
    const body = await bodyWith(ada, 'javascript:alert(1)');
    expect(await body.textContent()).toBe(payload);
    expect(await body.locator('a, img, script').count()).toBe(0);
    expect(await ada.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // Every link on the page goes to http(s).
    const hrefs = await ada.$$eval('#message-list a', (links) => links.map((a) => (a as HTMLAnchorElement).href));
    expect(hrefs.every((href) => /^https?:/.test(href))).toBe(true);
  });

  it('keeps the formatting after a reload, and looks right on desktop and phone, light and dark', async () => {
    await bob.reload();
    const body = await bodyWith(bob, 'Deploy');
    expect(await body.locator('strong').textContent()).toBe('today');
    await send(bob, 'Looks good, see _section 2_ of https://example.org and the `--quick` flag');
    await bodyWith(ada, 'Looks good');
    await screenshotLooks(ada, 'format', async (page) => {
      await page.locator('#messages').evaluate((node) => {
        node.scrollTop = node.scrollHeight;
      });
    });
    expect(chat.pageErrors).toEqual([]);
  });
});
