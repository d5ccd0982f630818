/**
 * Images and files in headless Chromium with three people: sent from the file button, by drag and
 * drop and by paste, shown inline or as a download to the others, with upload progress, a clear
 * refusal over the size cap, nothing for someone outside a private room, and nothing left of a file
 * whose message was deleted.
 */
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import {
  confirmAsk,
  connected,
  createRoom,
  describeChatInBrowser,
  saveScreenshot,
  send,
  shown,
  WAIT,
} from './browser-harness.js';
import { pngImage } from './image-fixture.js';
import { screenshotLooks } from './screenshot-variants.js';

const MAX_BYTES = 2_000_000;

/** Waits until the page shows an image with this name, loaded (so its bytes were served to this user). */
async function imageShown(page: Page, name: string): Promise<void> {
  await page.waitForFunction(
    (alt) =>
      Array.from(document.querySelectorAll<HTMLImageElement>('#message-list .attachment-image img')).some(
        (img) => img.alt === alt && img.complete && img.naturalWidth > 0,
      ),
    name,
    WAIT,
  );
}

/** Hands files to the page as a drop on the conversation, or as a paste into the composer. */
async function giveFiles(page: Page, how: 'drop' | 'paste', files: { name: string; type: string; base64: string }[]) {
  await page.evaluate(
    ({ how, files }) => {
      const data = new DataTransfer();
      for (const file of files) {
        const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
        data.items.add(new File([bytes], file.name, { type: file.type }));
      }
      if (how === 'drop') {
        const area = document.querySelector('.chat') as HTMLElement;
        area.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, cancelable: true }));
        area.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      } else {
        document
          .getElementById('input')
          ?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }
    },
    { how, files },
  );
}

describeChatInBrowser(
  'attachments in a real browser',
  90_000,
  { env: { UPLOAD_MAX_BYTES: String(MAX_BYTES) } },
  (chat) => {
    let [ada, bob, carol]: Page[] = [];
    beforeAll(async () => {
      [ada, bob, carol] = await chat.openAllSignedUp(['ada', 'bob', 'carol']);
    }, 90_000);

    it('sends an image from the file button; the others see it inline', async () => {
      await ada.setInputFiles('#attach-input', {
        name: 'chart.png',
        mimeType: 'image/png',
        buffer: pngImage(480, 300),
      });
      await Promise.all([imageShown(bob, 'chart.png'), imageShown(carol, 'chart.png'), imageShown(ada, 'chart.png')]);
      const size = await bob
        .locator('.attachment-image img[alt="chart.png"]')
        .evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
      expect(size).toEqual([480, 300]);
      expect(await ada.locator('#uploads .upload').count()).toBe(0);
    });

    it('shows upload progress while a larger file goes up in chunks', async () => {
      await ada.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { uploadStates: string[] }).uploadStates = seen;
        new MutationObserver(() => {
          const state = document.querySelector('#uploads .upload-state')?.textContent;
          if (state && seen.at(-1) !== state) seen.push(state);
        }).observe(document.getElementById('uploads') as HTMLElement, {
          subtree: true,
          childList: true,
          characterData: true,
        });
      });
      const report = Buffer.alloc(1_500_000, 'quarterly report ');
      await ada.setInputFiles('#attach-input', { name: 'report.txt', mimeType: 'text/plain', buffer: report });
      await bob.locator('#message-list .attachment-file', { hasText: 'report.txt' }).waitFor(WAIT);
      const states = await ada.evaluate(() => (window as unknown as { uploadStates: string[] }).uploadStates);
      const percents = states
        .map((state) => /^(\d+)% of 1\.4 MB$/.exec(state)?.[1])
        .filter(Boolean)
        .map(Number);
      // 23 chunks of 64 KB: the percentage climbed through values between the start and the end.
      expect(percents.filter((p) => p > 0 && p < 100).length).toBeGreaterThan(5);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
      // Not an image: a download card, served as an attachment with the sniffed (generic) type.
      const card = bob.locator('#message-list .attachment-file', { hasText: 'report.txt' });
      expect(await card.locator('.file-size').textContent()).toBe('1.4 MB · Download');
      const href = (await card.getAttribute('href')) ?? '';
      const headers = await bob.evaluate(async (url) => {
        const res = await fetch(url);
        return [
          res.status,
          res.headers.get('content-type'),
          res.headers.get('content-disposition'),
          res.headers.get('x-content-type-options'),
        ];
      }, href);
      expect(headers).toEqual([
        200,
        'application/octet-stream',
        `attachment; filename="report.txt"; filename*=UTF-8''report.txt`,
        'nosniff',
      ]);
    });

    it('sends images dropped on the conversation or pasted into the composer', async () => {
      await giveFiles(bob, 'drop', [
        { name: 'dropped.png', type: 'image/png', base64: pngImage(200, 120, [16, 185, 129]).toString('base64') },
      ]);
      await imageShown(ada, 'dropped.png');
      await giveFiles(carol, 'paste', [
        { name: 'pasted.png', type: 'image/png', base64: pngImage(160, 160, [244, 63, 94]).toString('base64') },
      ]);
      await imageShown(ada, 'pasted.png');
      await imageShown(bob, 'pasted.png');
    });

    it('refuses a file over the size cap with a clear message', async () => {
      await ada.setInputFiles('#attach-input', {
        name: 'movie.bin',
        mimeType: 'application/octet-stream',
        buffer: Buffer.alloc(2_500_000),
      });
      const failed = ada.locator('#uploads .upload.failed .upload-state');
      await failed.waitFor(WAIT);
      expect(await failed.textContent()).toBe('movie.bin is 2.4 MB; files are limited to 1.9 MB.');
      // Said once, on the card: no pop-up repeats it (the page would add one in the same step).
      expect(await ada.locator('.toast', { hasText: 'limited' }).count()).toBe(0);
      expect(await failed.getAttribute('role')).toBe('alert');
      await failed.scrollIntoViewIfNeeded();
      await saveScreenshot(ada, 'upload-too-large');
      await ada.click('#uploads .upload-close');
      expect(await ada.locator('#uploads .upload').count()).toBe(0);
    });

    it('keeps a private room’s files from a non-member', async () => {
      await createRoom(ada, 'design', { private: true });
      await ada.setInputFiles('#attach-input', {
        name: 'mockup.png',
        mimeType: 'image/png',
        buffer: pngImage(300, 200, [250, 204, 21]),
      });
      await imageShown(ada, 'mockup.png');
      const href =
        (await ada.locator('.attachment-image', { has: ada.locator('img[alt="mockup.png"]') }).getAttribute('href')) ??
        '';
      expect(await carol.evaluate(async (url) => (await fetch(url)).status, href)).toBe(404);
      expect(await ada.evaluate(async (url) => (await fetch(url)).status, href)).toBe(200);

      // Deleting the message takes its file too: a placeholder without the image, and no more bytes.
      const posted = ada.locator('#message-list .msg', { has: ada.locator('img[alt="mockup.png"]') });
      await posted.hover();
      await posted.getByRole('button', { name: 'Delete', exact: true }).click();
      await confirmAsk(ada);
      const placeholder = ada.locator('#message-list .msg.deleted');
      await placeholder.waitFor(WAIT);
      expect(await placeholder.locator('.attachment-image, .attachment-file').count()).toBe(0);
      // (Past the browser's own copy: the server's answer is what counts.)
      expect(await ada.evaluate(async (url) => (await fetch(url, { cache: 'no-store' })).status, href)).toBe(404);
    });

    it('shows the attachments after a reload, and looks right on desktop and phone, light and dark', async () => {
      await bob.reload();
      await connected(bob);
      await imageShown(bob, 'pasted.png');
      await imageShown(bob, 'chart.png');
      await send(bob, 'Nice chart! *Shipping* it.');
      await shown(carol, 'Nice chart! Shipping it.');
      await carol.setInputFiles('#attach-input', {
        name: 'notes.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.7 notes'),
      });
      await bob.locator('#message-list .attachment-file', { hasText: 'notes.pdf' }).waitFor(WAIT);
      await screenshotLooks(bob, 'attachments', async (page) => {
        await page.locator('#messages').evaluate((node) => {
          node.scrollTop = node.scrollHeight;
        });
      });
      // The upload row, mid-way, as the sender sees it.
      await ada.click('#room-list li[data-room="general"] button');
      await ada.evaluate(() => {
        const row = document.createElement('li');
        row.className = 'upload';
        const parts: [string, string][] = [
          ['upload-name', 'holiday-video.mp4'],
          ['upload-state', '42% of 1.9 MB'],
        ];
        for (const [cls, text] of parts) {
          const span = document.createElement('span');
          span.className = cls;
          span.textContent = text;
          row.append(span);
        }
        const bar = document.createElement('progress');
        bar.className = 'upload-bar';
        bar.max = 100;
        bar.value = 42;
        const close = document.createElement('button');
        close.className = 'upload-close';
        close.textContent = 'Cancel';
        row.append(bar, close);
        document.getElementById('uploads')?.append(row);
      });
      await screenshotLooks(ada, 'attachments-progress');
      expect(chat.pageErrors).toEqual([]);
    });
  },
);
