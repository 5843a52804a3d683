/**
 * The scene viewer and the viewer benchmark in headless Chromium (software WebGL through SwiftShader, as in
 * workbench.test.ts), on the renderer harness's FakeApi: scenes whose points are known exactly, no engine host
 * and no run to wait for. What is on screen is read back from screenshots of the canvas.
 *
 * Console rule as in workbench.test.ts: every console error or warning and every page error fails the test it
 * happens in, bar Chromium's own notices about the software GPU. Skipped where /usr/bin/chromium is missing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, serveRendererHarness, type ServedHarness } from '../helpers/rendererHarness.js';
import { decodePng, type Pixels } from './png.js';

const VIEWPORT = { width: 1600, height: 1000 };
const BACKGROUND = [0x0f, 0x11, 0x15] as const;
const CHROMIUM_NOTICES: readonly RegExp[] = [/^\[\.WebGL-[0-9a-fx]+\]GL Driver Message/, /^Automatic fallback to software WebGL has been deprecated/];

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`test/browser/sceneViewer skipped: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);

/** The most common colour among pixels that are not the background, and its share of those pixels. */
function dominantForeground(img: Pixels): { rgb: [number, number, number]; share: number; pixels: number } {
  const counts = new Map<number, number>();
  let n = 0;
  for (let p = 0; p < img.data.length; p += 4) {
    const r = img.data[p]!;
    const g = img.data[p + 1]!;
    const b = img.data[p + 2]!;
    if (Math.abs(r - BACKGROUND[0]) <= 2 && Math.abs(g - BACKGROUND[1]) <= 2 && Math.abs(b - BACKGROUND[2]) <= 2) continue;
    const key = (r << 16) | (g << 8) | b;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    n++;
  }
  let best = 0;
  let bestCount = 0;
  for (const [k, c] of counts) {
    if (c > bestCount) {
      best = k;
      bestCount = c;
    }
  }
  return { rgb: [(best >> 16) & 0xff, (best >> 8) & 0xff, best & 0xff], share: n === 0 ? 0 : bestCount / n, pixels: n };
}

describe.skipIf(!haveChromium)('the scene viewer in a browser (fake API)', () => {
  let harness: ServedHarness;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  let mark = 0;

  beforeAll(async () => {
    harness = await serveRendererHarness('development');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (m) => {
      const type = m.type();
      if (type !== 'error' && type !== 'warning') return;
      const text = m.text();
      if (type === 'warning' && !m.location().url && CHROMIUM_NOTICES.some((r) => r.test(text))) return;
      problems.push(`console.${type}: ${text}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e.message}`));
    page.on('crash', () => problems.push('the page crashed'));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  }, 60_000);

  beforeEach(() => {
    mark = problems.length;
  });

  function expectClean(): void {
    expect(problems.slice(mark), 'console errors / warnings or page errors').toEqual([]);
  }

  /** Opens synthetic:s1 with the given harness query and waits until its points are drawn. */
  async function openScene(query: string, route = '#/scene/synthetic%3As1'): Promise<void> {
    await page.goto(`${harness.url}?${query}${route}`);
    await page.getByTestId('scene-canvas').locator('canvas').waitFor();
    await page.locator('.scene-head', { hasText: ' points (' }).waitFor();
  }

  async function canvasPixels(): Promise<Pixels> {
    await page.mouse.move(VIEWPORT.width - 2, VIEWPORT.height - 2);
    return decodePng(await page.getByTestId('scene-canvas').locator('canvas').screenshot());
  }

  /** Only the points, drawn large enough that most pixels lie inside one: boxes, labels and the trajectory off. */
  async function pointsOnly(): Promise<void> {
    for (const name of ['boxes', 'labels', 'trajectory']) await page.getByRole('checkbox', { name, exact: true }).uncheck();
    await page.locator('#pointsize').fill('4');
  }

  for (const colour of [
    [80, 130, 200],
    [150, 120, 90],
  ] as const) {
    it(`draws a point stored as sRGB (${colour.join(', ')}) in that colour on screen`, async () => {
      await openScene(`points=300000&colour=${colour.join(',')}`);
      await pointsOnly();
      await expect
        .poll(async () => dominantForeground(await canvasPixels()).pixels, { timeout: 30_000 })
        .toBeGreaterThan(50_000);
      const fg = dominantForeground(await canvasPixels());
      expect(fg.share, `share of the dominant foreground colour ${fg.rgb}`).toBeGreaterThan(0.5);
      for (let i = 0; i < 3; i++) expect(Math.abs(fg.rgb[i]! - colour[i]!), `rendered ${fg.rgb}, stored ${colour}`).toBeLessThanOrEqual(2);
      expectClean();
    }, 120_000);
  }
});
