/**
 * Screenshots of one page in the four looks a feature is checked in: desktop (1280x800) and phone
 * (390x844), light and dark. The page is resized and its colour scheme emulated in place, so a
 * suite needs no extra sign-ups; it is left at the size and scheme it had.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE, SCREENSHOTS } from './browser-harness.js';

export type Look = 'desktop-light' | 'desktop-dark' | 'phone-light' | 'phone-dark';

/**
 * Saves `<name>-<look>.png` for each look; `arrange` runs after each resize (e.g. to scroll the
 * feature into view again). Returns the files written.
 */
export async function screenshotLooks(
  page: Page,
  name: string,
  arrange: (page: Page, look: Look) => Promise<void> = async () => {},
): Promise<string[]> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize() ?? DESKTOP;
  const files: string[] = [];
  for (const look of ['desktop-light', 'desktop-dark', 'phone-light', 'phone-dark'] as const) {
    await page.setViewportSize(look.startsWith('phone') ? PHONE : DESKTOP);
    await page.emulateMedia({ colorScheme: look.endsWith('dark') ? 'dark' : 'light' });
    await arrange(page, look);
    // A resize starts CSS transitions (the phone drawer slides away): shoot the settled page.
    await page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished)));
    const file = path.join(SCREENSHOTS, `${name}-${look}.png`);
    await page.screenshot({ path: file });
    files.push(file);
  }
  await page.setViewportSize(size);
  await page.emulateMedia({ colorScheme: null });
  return files;
}
