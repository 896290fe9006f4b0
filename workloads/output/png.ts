// SVG → PNG through a headless Chromium (Debian's, installed by scripts/setup.d/chromium.sh;
// CHROMIUM_PATH points elsewhere), driven by Playwright, which the project already has.
// No new dependency and the same text rendering as a browser showing the SVG. Without a
// Chromium the PNGs are not written and the caller says why; the SVGs always are.

import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Twice the SVG's pixel size, so text stays sharp on high-density screens and in PDFs. */
const SCALE = 2;

export class PngUnavailableError extends Error {
  override name = 'PngUnavailableError';
}

/** PNG bytes of each SVG, in order. */
export async function svgToPng(svgs: readonly string[]): Promise<Buffer[]> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new PngUnavailableError(`no Chromium at ${CHROMIUM_PATH} (run scripts/setup.d/chromium.sh, or set CHROMIUM_PATH)`);
  }
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ deviceScaleFactor: SCALE });
    const pngs: Buffer[] = [];
    for (const svg of svgs) {
      await page.setContent(`<!doctype html><html><body style="margin:0;background:white">${svg}</body></html>`);
      pngs.push(await page.locator('svg').first().screenshot({ type: 'png' }));
    }
    return pngs;
  } finally {
    await browser.close();
  }
}
