/**
 * The scene viewer and the viewer benchmark in headless Chromium (software WebGL through SwiftShader, as in
 * workbench.test.ts), on the renderer harness's FakeApi: scenes whose points are known exactly, no engine host
 * and no run to wait for. What is on screen is read back from screenshots of the canvas.
 *
 * Console rule as in workbench.test.ts: every console error or warning and every page error fails the test it
 * happens in, bar Chromium's own notices about the software GPU. Skipped where /usr/bin/chromium is missing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, serveRendererHarness, type ServedHarness } from '../helpers/rendererHarness.js';
import { syntheticCloud } from '../../src/renderer/src/views/bench/benchData.js';
import { MOVING_POINT_BUDGET } from '../../src/renderer/src/views/scene/lod.js';
import { decodePng, type Pixels } from './png.js';

const VIEWPORT = { width: 1600, height: 1000 };
/** expect.poll waits 1 s by default: too short for a software-rendered frame while the suite shares two cores. */
const POLL = { timeout: 15_000, interval: 100 };
const ARTEFACTS = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'test-results', 'browser');
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

/**
 * Installed before the page's scripts: wraps drawArrays / drawElements and records, per animation frame, the
 * largest number of vertices drawn as POINTS (gl.POINTS = 0), appended to window.__pointsDraws.
 */
const DRAW_COUNTER = `(() => {
  let frameMax = -1;
  let scheduled = false;
  const note = (mode, count) => {
    if (mode !== 0) return;
    frameMax = Math.max(frameMax, count);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(() => {
        scheduled = false;
        (window.__pointsDraws ??= []).push(frameMax);
        frameMax = -1;
      });
    }
  };
  for (const C of [WebGL2RenderingContext, WebGLRenderingContext]) {
    const arrays = C.prototype.drawArrays;
    const elements = C.prototype.drawElements;
    C.prototype.drawArrays = function (mode, first, count) { note(mode, count); return arrays.call(this, mode, first, count); };
    C.prototype.drawElements = function (mode, count, type, offset) { note(mode, count); return elements.call(this, mode, count, type, offset); };
  }
})()`;

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
    // Every WebGL draw call's vertex count, by frame, to tell a subsampled frame from a full one.
    await page.addInitScript(DRAW_COUNTER);
    mkdirSync(ARTEFACTS, { recursive: true });
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

  async function shot(name: string): Promise<void> {
    writeFileSync(join(ARTEFACTS, `${name}.png`), await page.screenshot());
  }

  /** Browser-side code is passed as text: this project's Node tsconfig has no DOM types. */
  function js<T>(code: string): Promise<T> {
    return page.evaluate(code) as Promise<T>;
  }

  /** Resolves once the page has drawn two more animation frames and the GPU has finished them. */
  function settled(): Promise<void> {
    return js(`new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(null))))`);
  }

  /** Largest POINTS draw (vertex count) in the most recent frame that drew points. */
  function pointsDrawn(): Promise<number> {
    return js<number>('window.__pointsDraws?.at(-1) ?? -1');
  }

  /** The same for every frame drawn since `from` frames (an index into the history). */
  function pointsDrawnSince(from: number): Promise<number[]> {
    return js<number[]>(`(window.__pointsDraws ?? []).slice(${from})`);
  }

  function framesDrawn(): Promise<number> {
    return js<number>('(window.__pointsDraws ?? []).length');
  }

  async function canvasBox(): Promise<{ x: number; y: number; width: number; height: number }> {
    return (await page.getByTestId('scene-canvas').locator('canvas').boundingBox())!;
  }

  /** Share of pixels that differ by more than `tol` in any channel. */
  function changed(a: Pixels, b: Pixels, tol = 8): number {
    let n = 0;
    for (let p = 0; p < a.data.length; p += 4) {
      if (Math.abs(a.data[p]! - b.data[p]!) > tol || Math.abs(a.data[p + 1]! - b.data[p + 1]!) > tol || Math.abs(a.data[p + 2]! - b.data[p + 2]!) > tol) n++;
    }
    return n / (a.width * a.height);
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

  it(`draws ${MOVING_POINT_BUDGET} of 400k points while the camera is dragged, all of them once it rests`, async () => {
    await openScene('points=400000');
    await settled();
    await expect.poll(pointsDrawn, { timeout: 30_000 }).toBe(400_000);
    const box = await canvasBox();
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 4; i++) {
      await page.mouse.move(x + 15 * i, y);
      await settled();
      expect(await pointsDrawn(), `drag step ${i}`).toBe(MOVING_POINT_BUDGET);
    }
    // Held still, button down: still reduced until released (an orbit in progress).
    await page.mouse.up();
    await expect.poll(pointsDrawn, { timeout: 5_000 }).toBe(400_000);
    // A wheel notch is a move too: drawn reduced, then full again.
    const mark = await framesDrawn();
    await page.mouse.wheel(0, 120);
    await expect.poll(async () => (await pointsDrawnSince(mark)).at(-1), { timeout: 5_000 }).toBe(400_000);
    expect(await pointsDrawnSince(mark)).toContain(MOVING_POINT_BUDGET);

    // Switched off: full detail throughout.
    await page.getByRole('checkbox', { name: 'reduce detail while moving' }).uncheck();
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x - 30, y);
    await settled();
    expect(await pointsDrawn()).toBe(400_000);
    await page.mouse.up();
    expectClean();
  }, 120_000);

  it('Fit view brings the camera back to the overview after orbiting', async () => {
    await openScene('points=200000');
    await settled();
    const before = await canvasPixels();
    const box = await canvasBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 200, box.y + box.height / 2 + 60, { steps: 5 });
    await page.mouse.up();
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(400);
    const moved = await canvasPixels();
    expect(changed(before, moved), 'orbiting changed the picture').toBeGreaterThan(0.1);
    await page.getByTestId('fit-view').click();
    await page.waitForTimeout(400);
    await settled();
    const back = await canvasPixels();
    expect(changed(before, back), 'after Fit view').toBeLessThan(0.01);
    expectClean();
  }, 120_000);

  it('measures the distance between two picked cloud points, in metres', async () => {
    const count = 200_000;
    await openScene(`points=${count}`);
    await pointsOnly();
    await settled();
    await page.getByTestId('measure').click();
    const readout = page.getByTestId('measure-readout');
    expect(await readout.textContent()).toBe('click a point');
    const box = await canvasBox();
    // Two spots on the cloud (the room fills the middle of the view).
    await page.mouse.click(box.x + box.width * 0.35, box.y + box.height * 0.6);
    await expect.poll(() => readout.getAttribute('data-picks'), POLL).toBe('1');
    await page.mouse.click(box.x + box.width * 0.65, box.y + box.height * 0.45);
    await expect.poll(() => readout.getAttribute('data-picks'), POLL).toBe('2');
    const a = JSON.parse((await readout.getAttribute('data-a'))!) as number[];
    const b = JSON.parse((await readout.getAttribute('data-b'))!) as number[];
    // Both are points of the cloud the fake served (syntheticCloud(count, 7)).
    const cloud = syntheticCloud(count, 7);
    const isPoint = (p: number[]): boolean => {
      for (let i = 0; i < count; i++) {
        if (cloud.positions[3 * i] === Math.fround(p[0]!) && cloud.positions[3 * i + 1] === Math.fround(p[1]!) && cloud.positions[3 * i + 2] === Math.fround(p[2]!)) return true;
      }
      return false;
    };
    expect(isPoint(a), `A ${a}`).toBe(true);
    expect(isPoint(b), `B ${b}`).toBe(true);
    const d = Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!);
    expect(d).toBeGreaterThan(0.5);
    const text = (await readout.textContent())!;
    expect(text.startsWith(`${+d.toPrecision(3)} m (Δx `), text).toBe(true);
    // The same distance labels the segment in the view.
    await expect.poll(() => page.locator('[data-label="measure"]').evaluate((el) => (el as unknown as { style: { visibility: string } }).style.visibility), POLL).toBe('visible');
    expect(await page.locator('[data-label="measure"]').textContent()).toBe(`${+d.toPrecision(3)} m`);
    await shot('scene-measure');
    // A third click starts over; leaving the tool clears it.
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await expect.poll(() => readout.getAttribute('data-picks'), POLL).toBe('1');
    await page.getByTestId('measure').click();
    expect(await page.locator('[data-label="measure"]').count()).toBe(0);
    expectClean();
  }, 120_000);

  it('keeps object labels from overlapping, even zoomed far out', async () => {
    await openScene('points=1000', '#/scene/synthetic%3As1?objects=4');
    const box = await canvasBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 40; i++) await page.mouse.wheel(0, 300);
    await page.waitForTimeout(500);
    await settled();
    const rects = await page.locator('.scene-labels .scene-label').evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { key: el.getAttribute('data-label'), shown: (el as unknown as { style: { visibility: string } }).style.visibility === 'visible', l: r.left, t: r.top, r: r.right, b: r.bottom };
      }),
    );
    const shown = rects.filter((r) => r.shown);
    await shot('scene-labels-zoomed-out');
    expect(rects.length).toBeGreaterThan(6);
    expect(shown.map((r) => r.key), 'the highlighted object keeps its label').toContain('object-4');
    for (let i = 0; i < shown.length; i++) {
      for (let j = i + 1; j < shown.length; j++) {
        const [p, q] = [shown[i]!, shown[j]!];
        const overlap = p.l < q.r && q.l < p.r && p.t < q.b && q.t < p.b;
        expect(overlap, `${p.key} overlaps ${q.key}`).toBe(false);
      }
    }
    expectClean();
  }, 120_000);

  it('shows a scale bar in metres that follows the zoom, the world axes and a floor grid', async () => {
    await openScene('points=1000');
    await settled();
    const scale = page.getByTestId('scale-bar');
    const read = async (): Promise<{ metres: number; px: number }> => {
      const text = (await scale.locator('span').textContent())!;
      const m = /^([\d.]+) (m|cm)$/.exec(text);
      expect(m, text).not.toBeNull();
      const px = await scale.locator('.scale-bar').evaluate((el) => el.getBoundingClientRect().width);
      return { metres: Number(m![1]) * (m![2] === 'cm' ? 0.01 : 1), px };
    };
    const far = await read();
    expect(far.px).toBeGreaterThan(40);
    expect(far.px).toBeLessThan(300);
    const box = await canvasBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -200);
    await page.waitForTimeout(400);
    await settled();
    const near = await read();
    // Closer: a metre spans more pixels.
    expect(near.px / near.metres).toBeGreaterThan((far.px / far.metres) * 1.5);
    for (const axis of ['x', 'y', 'z']) expect(await page.locator(`[data-label="axis-${axis}"]`).textContent()).toBe(axis);
    await page.getByRole('checkbox', { name: 'axes', exact: true }).uncheck();
    expect(await page.locator('[data-label^="axis-"]').count()).toBe(0);
    // The grid's lines are most of what is drawn around an almost empty cloud.
    await page.getByTestId('fit-view').click();
    await settled();
    const withGrid = await canvasPixels();
    await page.getByRole('checkbox', { name: 'grid', exact: true }).uncheck();
    await settled();
    const withoutGrid = await canvasPixels();
    expect(changed(withGrid, withoutGrid, 2)).toBeGreaterThan(0.002);
    expectClean();
  }, 120_000);

  interface BenchState {
    status: string;
    results: unknown[];
    current: number | null;
    error: string | null;
  }
  const benchState = (): Promise<BenchState | null> => js<BenchState | null>('window.__viewerBench ?? null');

  /** Opens the viewer benchmark on two large clouds and waits until it draws the first of them. */
  async function benchUnderWay(): Promise<number> {
    // A new query each time: going to the same URL with a hash would not load the page again.
    await page.goto(`${harness.url}?visit=${Date.now()}#/bench/viewer?sizes=2000000,2000000&frames=300&auto=1`);
    await expect.poll(async () => (await benchState())?.status, { timeout: 30_000 }).toBe('running');
    await expect.poll(async () => (await pointsDrawnSince(0)).includes(2_000_000), { timeout: 60_000 }).toBe(true);
    return framesDrawn();
  }

  it('viewer benchmark: Cancel stops it between frames and puts its preview scene back (issue 14, item 9)', async () => {
    await benchUnderWay();
    const t0 = Date.now();
    await page.getByTestId('bench-cancel').click();
    await expect.poll(async () => (await benchState())?.status, { timeout: 15_000 }).toBe('cancelled');
    const cancelMs = Date.now() - t0;
    expect((await benchState())?.results).toEqual([]);
    await page.getByTestId('bench-cancelled').waitFor();
    await page.getByTestId('bench-run').waitFor();
    // Not a blank canvas: the preview cloud, drawn again.
    await expect.poll(pointsDrawn, { timeout: 30_000 }).toBe(250_000);
    const fg = dominantForeground(await canvasPixels());
    expect(fg.pixels, 'non-background pixels on the canvas').toBeGreaterThan(20_000);
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    console.log(`viewer bench cancelled ${cancelMs} ms after the click`);
    expectClean();
  }, 180_000);

  it('viewer benchmark: leaving the page cancels it, and the scene view draws at once (issue 14, item 9)', async () => {
    const mark = await benchUnderWay();
    const t0 = Date.now();
    await js(`void (location.hash = '#/scene/synthetic%3As1')`);
    await expect.poll(async () => (await benchState())?.status, { timeout: 15_000 }).toBe('cancelled');
    // The scene's 1000 points are drawn…
    await expect.poll(async () => (await pointsDrawnSince(mark)).includes(1000), { timeout: 60_000 }).toBe(true);
    const sceneMs = Date.now() - t0;
    await page.waitForTimeout(1500);
    // …and from then on the benchmark draws nothing more (a frame it had under way may come before).
    const draws = await pointsDrawnSince(mark);
    expect(draws.slice(draws.indexOf(1000)).filter((n) => n >= 2_000_000), draws.join(' ')).toEqual([]);
    await page.locator('.scene-head', { hasText: ' points (' }).waitFor();
    console.log(`scene view drawn ${sceneMs} ms after leaving the running benchmark`);
    expectClean();
  }, 180_000);
});
