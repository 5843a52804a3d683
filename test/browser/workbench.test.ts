/**
 * The real workbench in browser mode, end to end: the renderer built by electron-vite, the engine host over a
 * fresh workspace behind `startWorkbenchServer`, and headless Chromium (Debian's /usr/bin/chromium, software
 * WebGL through SwiftShader) driving it. A small real run is started through the form and then every view is
 * checked against it: runs (live progress, rounds, held-out score), scene (WebGL pixels, frame image), QA
 * explorer (program, re-run, open in scene), heatmaps (tooltip, drill-down), curves, and the viewer benchmark.
 *
 * Console rule: every console error, every page error, every failed request (bar ones the page cancels) and
 * every HTTP error response fails the test it happens in, and so does every console warning, except warnings
 * Chromium itself raises about the software GPU (no source URL, text matching CHROMIUM_NOTICES); those are
 * printed after the suite, never silently dropped.
 *
 * Screenshots of each view go to test-results/browser/<view>.png; with UPDATE_SCREENSHOTS=1 also to
 * docs/screenshots/<view>.png (the README's pictures). Skipped, with the reason printed, where
 * /usr/bin/chromium is missing (`apt-get install -y chromium`).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createWorkbenchHost, type WorkbenchHost } from '../../src/engine/host/index.js';
import { startWorkbenchServer, type WorkbenchServer } from '../../src/server/server.js';
import { LOOP_STAGES } from '../../src/shared/records.js';
import { decodePng, pixelStats, type PixelStats } from './png.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--ignore-gpu-blocklist'];
const VIEWPORT = { width: 1600, height: 1000 };
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ARTEFACTS = join(ROOT, 'test-results', 'browser');
const DOCS_SHOTS = join(ROOT, 'docs', 'screenshots');
const UPDATE_DOCS = process.env.UPDATE_SCREENSHOTS === '1';
/** expect.poll waits 1 s by default: too short for API round trips while the rest of the suite shares two cores. */
const POLL = { timeout: 30_000, interval: 100 };

/**
 * Warnings Chromium raises on its own about the software GPU (SwiftShader), not about the page's code: they carry
 * no script URL. Anything else — including every warning from the app, React or three.js — is a problem.
 */
const CHROMIUM_NOTICES: readonly RegExp[] = [/^\[\.WebGL-[0-9a-fx]+\]GL Driver Message/, /^Automatic fallback to software WebGL has been deprecated/];

/** The run the tests share: small enough to finish in seconds on two cores (as test/engine/loop/loopFixture.ts). */
const FORM: Record<string, string> = {
  name: 'browser e2e',
  scenes: 'synthetic:6',
  heldoutFraction: '0.34',
  rounds: '2',
  steps: '4',
  batch: '8',
  warmupSteps: '2',
  candidates: '240',
  benchmarkPerFamily: '3',
  model: 'tiny',
  threads: '1',
  seed: '7',
};

/** Families whose questions name particular objects (what "open in scene" highlights). */
const OBJECT_FAMILIES = ['object_abs_distance', 'object_rel_distance', 'object_size_estimation', 'object_rel_direction_easy', 'object_height_comparison', 'object_rel_size'];

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`test/browser skipped: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);
}

describe.skipIf(!haveChromium)('the workbench in a browser (real host, real run)', () => {
  let tmp: string;
  let host: WorkbenchHost;
  let server: WorkbenchServer;
  let browser: Browser;
  let page: Page;
  let runId: string | undefined;
  const problems: string[] = [];
  const notices: string[] = [];
  /** Paths of every request the page made, in order (API calls are POST /api/<method>). */
  const requests: string[] = [];
  let mark = 0;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ouroboros-browser-'));
    // The renderer as shipped, built from the current sources into a private folder (out/ is left alone).
    const outDir = join(tmp, 'build');
    const bin = join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
    try {
      await promisify(execFile)(bin, ['build', '--outDir', outDir, '--logLevel', 'error'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    } catch (e) {
      const err = e as Error & { stdout?: string; stderr?: string };
      throw new Error(`electron-vite build failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
    }
    const rendererDir = join(outDir, 'renderer');
    host = createWorkbenchHost({ workspaceDir: join(tmp, 'workspace'), transport: 'http', appVersion: 'e2e' });
    server = await startWorkbenchServer({ host, port: 0, rendererDir, log: (m, e) => problems.push(`server: ${m}${e instanceof Error ? `\n${e.stack}` : ''}`) });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (m) => {
      const type = m.type();
      if (type !== 'error' && type !== 'warning') return;
      const text = m.text();
      const url = m.location().url;
      if (type === 'warning' && !url && CHROMIUM_NOTICES.some((r) => r.test(text))) {
        notices.push(text);
        return;
      }
      problems.push(`console.${type}: ${text}${url ? ` (${url}:${m.location().lineNumber})` : ''}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e.message}`));
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    page.on('requestfailed', (r) => {
      // A request the page itself cancelled (net::ERR_ABORTED) is not a failure anyone sees.
      const why = r.failure()?.errorText ?? '?';
      if (why !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.method()} ${r.url()} (${why})`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
    });
    page.on('crash', () => problems.push('the page crashed'));
    mkdirSync(ARTEFACTS, { recursive: true });
    if (UPDATE_DOCS) mkdirSync(DOCS_SHOTS, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    if (notices.length > 0) console.log(`Chromium's own GPU notices (tolerated):\n  ${[...new Set(notices)].join('\n  ')}`);
    await browser?.close();
    await server?.close();
    await host?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  beforeEach(() => {
    mark = problems.length;
  });

  /** Ends every test: nothing went wrong in the console, the page, the network or the server meanwhile. */
  async function expectClean(): Promise<void> {
    expect(problems.slice(mark), 'console errors / warnings, page errors or failed requests').toEqual([]);
    expect(await page.getByTestId('error-banner').count(), 'error banners on the page').toBe(0);
  }

  /**
   * The viewport as a PNG in test-results/browser, and in docs/screenshots with UPDATE_SCREENSHOTS=1 (`docs`).
   * The pointer leaves the page first unless the picture is of a hover (`hover`); `top` scrolls everything back.
   */
  async function shot(name: string, opts: { docs?: boolean; hover?: boolean; top?: boolean } = {}): Promise<void> {
    if (!opts.hover) await page.mouse.move(VIEWPORT.width - 2, VIEWPORT.height - 2);
    if (opts.top) await js(`for (const el of document.querySelectorAll('*')) if (el.scrollTop > 0) el.scrollTop = 0`);
    const png = await page.screenshot();
    writeFileSync(join(ARTEFACTS, `${name}.png`), png);
    if (UPDATE_DOCS && opts.docs !== false) writeFileSync(join(DOCS_SHOTS, `${name}.png`), png);
  }

  /** Browser-side code is passed as text: this project's Node tsconfig has no DOM types. */
  function js<T>(code: string): Promise<T> {
    return page.evaluate(code) as Promise<T>;
  }

  /**
   * Polls a browser-side condition. Not page.waitForFunction: it compiles its predicate with eval, which the
   * workbench's CSP (script-src 'self') rightly refuses, and the CSP is part of what is under test.
   */
  async function until(code: string, timeout = 30_000): Promise<void> {
    const end = Date.now() + timeout;
    while (!(await js<boolean>(code))) {
      if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for: ${code}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  function theRun(): string {
    if (!runId) throw new Error('no run: the first test must start one through the form');
    return runId;
  }

  it('runs view: starts a run through the form, shows live progress, then the finished run', async () => {
    await page.goto(`${server.url}#/runs`);
    await page.getByTestId('runs-empty').waitFor();
    await page.getByTestId('field-name').waitFor(); // the form fills from the host's defaults
    for (const [key, value] of Object.entries(FORM)) {
      const field = page.getByTestId(`field-${key}`);
      if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
      else await field.fill(value);
    }
    // Record what the live panel shows while the run is under way: it may finish between two polls.
    await js(`(() => {
      const seen = { running: [], progress: [], statuses: [] };
      const add = (list, v) => { if (v && !list.includes(v)) list.push(v); };
      const look = () => {
        for (const el of document.querySelectorAll('[data-testid="live-stages"] .stage-running')) add(seen.running, el.textContent.trim());
        for (const el of document.querySelectorAll('[data-testid="live-stages"] [role="progressbar"]')) add(seen.progress, el.getAttribute('aria-label'));
        add(seen.statuses, document.querySelector('[data-testid="run-detail"] .panel-head .status')?.textContent);
      };
      const observer = new MutationObserver(look);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      window.__liveSeen = { seen, stop: () => observer.disconnect() };
    })()`);

    await page.getByTestId('start-run').click();
    await until(`location.hash.startsWith('#/runs/')`);
    runId = decodeURIComponent((await js<string>('location.hash')).slice('#/runs/'.length));
    expect(runId).not.toBe('');
    const detail = page.getByTestId('run-detail');
    await detail.waitFor();
    await expect.poll(() => detail.locator('h2').textContent(), POLL).toBe(FORM.name);

    // Live progress: the stage strip appears with every loop stage, one of them under way or done.
    const live = page.getByTestId('live-stages');
    await live.waitFor({ timeout: 60_000 });
    expect(await live.locator('.stage').allTextContents()).toEqual(expect.arrayContaining(LOOP_STAGES.map((s) => expect.stringContaining(s))));
    expect(await live.locator('.stage-running, .stage-done').count()).toBeGreaterThan(0);

    // Then it completes: two round rows and a held-out score, as the host has them.
    await detail.locator('.panel-head .status-completed').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('round-row').count(), POLL).toBe(2);
    const run = (await host.listRuns()).find((r) => r.id === runId);
    expect(run?.status).toBe('completed');
    expect(run?.roundsDone).toBe(2);
    expect(Number.isFinite(run?.heldoutScore)).toBe(true);
    const heldout = (run!.heldoutScore! * 100).toFixed(1);
    await expect.poll(() => detail.locator('dl.facts dt:text-is("Held-out") + dd').textContent(), POLL).toBe(heldout);
    const rowScores = await page.getByTestId('round-row').evaluateAll((rows) => rows.map((r) => r.children[6]?.textContent ?? ''));
    // The score, then its bootstrap 95% interval over the benchmark's questions around it.
    const cells = rowScores.map((s) => /^(\d+\.\d) \[(\d+\.\d)–(\d+\.\d)\]$/.exec(s));
    expect(cells.every((m) => m !== null && Number(m[2]) <= Number(m[1]) && Number(m[1]) <= Number(m[3])), `held-out column: ${rowScores.join(', ')}`).toBe(true);
    expect(cells[1]![1]).toBe(heldout);
    const runRow = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await expect.poll(() => runRow.locator('.status').textContent(), POLL).toBe('completed');

    const seen = await js<{ running: string[]; progress: string[]; statuses: string[] }>('(window.__liveSeen.stop(), window.__liveSeen.seen)');
    expect(seen.statuses, 'the run was shown running before it completed').toContain('running');
    expect(seen.running.length, 'a stage was shown under way').toBeGreaterThan(0);
    expect(seen.progress.length, 'a stage progress bar was shown').toBeGreaterThan(0);
    await shot('runs', { top: true });
    await expectClean();
  }, 180_000);

  it('scene view: the WebGL canvas draws the scene and the frame image loads', async () => {
    const detail = await host.getRun(theRun());
    const sceneId = detail.split.find((s) => s.split === 'train')?.sceneId ?? detail.split[0]!.sceneId;
    await page.getByTestId('nav-scene').click();
    await page.getByTestId('scene-list').getByRole('button', { name: sceneId, exact: true }).click();
    await until(`location.hash.startsWith('#/scene/')`);
    const canvas = page.getByTestId('scene-canvas').locator('canvas');
    await canvas.waitFor();
    await page.locator('.scene-head', { hasText: ' points (' }).waitFor({ timeout: 30_000 }); // points are in
    const image = page.getByTestId('frame-image');
    await image.waitFor();
    await until(`(() => { const i = document.querySelector('[data-testid="frame-image"]'); return !!i && i.complete && i.naturalWidth > 0; })()`);
    const natural = await js<{ w: number; h: number }>(`(() => { const i = document.querySelector('[data-testid="frame-image"]'); return { w: i.naturalWidth, h: i.naturalHeight }; })()`);
    expect(natural.w).toBeGreaterThan(0);
    expect(natural.h).toBeGreaterThan(0);

    // Not one flat colour: the background (#0f1115) with points, boxes and the trajectory drawn over it.
    const canvasStats = async (): Promise<PixelStats> => pixelStats(decodePng(await canvas.screenshot()));
    await expect
      .poll(async () => {
        const st = await canvasStats();
        return st.distinct > 50 && st.nonDominant > 0.02;
      }, POLL)
      .toBe(true);
    const stats = await canvasStats();
    expect(stats.pixels).toBeGreaterThan(100_000);
    expect(stats.dominant.every((c, i) => Math.abs(c - [0x0f, 0x11, 0x15][i]!) <= 2), `dominant colour ${stats.dominant}`).toBe(true);
    await shot('scene');
    await expectClean();
  }, 60_000);

  it('scene view: solver-confidence colours come from one host call, none per question (issue 13)', async () => {
    const sceneId = decodeURIComponent((await js<string>('location.hash')).replace(/^#\/scene\//, '').split('?')[0]!);
    const before = requests.length;
    await page.getByTestId('color-confidence').click();
    const legend = page.getByTestId('confidence-questions');
    await legend.waitFor();
    const expected = await host.sceneObjectConfidence(sceneId, theRun());
    expect(expected.objects.length, `answered questions naming objects of ${sceneId}`).toBeGreaterThan(0);
    expect((await legend.textContent())?.trim()).toBe(`${expected.questions} answered questions name objects; grey: none.`);
    // The object list shows each named object's mean, and only those.
    await expect.poll(() => page.locator('.object-list .conf').count(), POLL).toBe(expected.objects.length);
    for (const o of expected.objects) {
      const item = page.locator('.object-list li').filter({ has: page.getByRole('checkbox', { name: new RegExp(` ${o.objectId}$`) }) });
      expect((await item.locator('.conf').textContent())?.trim()).toBe(o.mean.toFixed(2));
    }
    const calls = requests.slice(before).filter((p) => p.startsWith('/api/'));
    expect(calls.filter((p) => p === '/api/sceneObjectConfidence')).toHaveLength(1);
    expect(calls.filter((p) => p === '/api/getQa' || p === '/api/queryQa')).toEqual([]);
    await shot('scene-confidence', { docs: false });
    // Later tests (open in scene) expect the default colouring.
    await page.getByTestId('color-rgb').click();
    await expectClean();
  }, 60_000);

  it('QA explorer: rows, program, re-run matches, open in scene highlights its objects', async () => {
    const before = requests.length;
    await page.getByTestId('nav-qa').click();
    await page.getByTestId('qa-row').first().waitFor();
    expect(await page.getByTestId('run-picker').inputValue()).toBe(theRun());
    const total = await host.queryQa({ runId: theRun(), limit: 1 });
    await expect.poll(() => page.getByTestId('qa-total').textContent(), POLL).toContain(`${total.total} question`);

    // Accepted questions only (their programs ran cleanly) of a family whose questions name objects.
    let family: string | undefined;
    let expected = 0;
    for (const f of OBJECT_FAMILIES) {
      expected = (await host.queryQa({ runId: theRun(), family: f, verdict: 'accepted', limit: 1 })).total;
      if (expected > 0) {
        family = f;
        break;
      }
    }
    expect(family, `accepted questions in one of ${OBJECT_FAMILIES.join(', ')}`).toBeDefined();
    await page.getByTestId('filter-family').selectOption(family!);
    await page.getByTestId('filter-verdict').selectOption('accepted');
    await expect.poll(() => page.getByTestId('qa-total').textContent(), POLL).toContain(`${expected} question`);
    await expect
      .poll(async () => {
        const shown = await page.getByTestId('qa-row').evaluateAll((rows) => rows.map((r) => `${r.children[2]?.textContent} ${r.children[10]?.textContent}`));
        return shown.length > 0 && shown.every((t) => t === `${family} accepted`);
      }, POLL)
      .toBe(true);
    const ids = await page.getByTestId('qa-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-qa-id'))));
    // Each row's prediction column is the latest prediction the list query returned with it; no row asked for its own.
    const listed = new Map((await host.queryQa({ runId: theRun(), family: family!, verdict: 'accepted', limit: 10_000 })).rows.map((r) => [r.id, r]));
    const shownPredictions = await page.getByTestId('qa-row').evaluateAll((rows) => rows.map((r) => ({ id: Number(r.getAttribute('data-qa-id')), text: r.children[7]?.textContent ?? '' })));
    expect(shownPredictions.filter(({ id }) => (listed.get(id)?.prediction ?? null) !== null).length, 'answered rows on screen').toBeGreaterThan(0);
    for (const { id, text } of shownPredictions) expect(text, `prediction of QA ${id}`).toBe(listed.get(id)?.prediction ?? '—');
    expect(requests.slice(before).filter((p) => p === '/api/getQa')).toEqual([]);
    let qaId: number | undefined;
    let objectIds: number[] = [];
    for (const id of ids) {
      const d = await host.getQa(id);
      if (d.objectIds.length > 0) {
        qaId = id;
        objectIds = d.objectIds;
        break;
      }
    }
    expect(qaId, 'an accepted question that names objects').toBeDefined();
    const stored = await host.getQa(qaId!);
    await page.locator(`[data-testid="qa-row"][data-qa-id="${qaId}"]`).click();
    const detail = page.getByTestId('qa-detail');
    await detail.locator('h2', { hasText: `QA ${qaId}` }).waitFor();
    expect((await detail.locator('.question').textContent())?.trim()).toBe(stored.qa.question);
    expect(await page.getByTestId('qa-program').textContent()).toBe(stored.qa.program);
    expect(stored.qa.program.length).toBeGreaterThan(0);

    await page.getByTestId('rerun-program').click();
    const rerun = page.getByTestId('rerun-result');
    await rerun.waitFor({ timeout: 20_000 });
    expect(await rerun.locator('strong').textContent()).toBe('Matches the stored result');
    expect(await rerun.getAttribute('class')).toContain('ok');
    await shot('qa');

    const open = page.getByTestId('open-in-scene');
    expect(await open.getAttribute('title')).toBe(`highlights objects ${objectIds.join(', ')}`);
    await open.click();
    await until(`location.hash.startsWith('#/scene/')`);
    const hash = await js<string>('location.hash');
    expect(hash).toContain(`#/scene/${encodeURIComponent(stored.qa.sceneId)}`);
    expect(hash).toContain(`objects=${objectIds.join(',')}`);
    await page.getByTestId('scene-canvas').locator('canvas').waitFor();
    const highlighted = page.locator('.object-list li.highlighted');
    await expect.poll(() => highlighted.count(), POLL).toBe(objectIds.length);
    for (const id of objectIds) {
      expect(await page.locator('.object-list li.highlighted').getByRole('checkbox', { name: new RegExp(` ${id}$`) }).isChecked()).toBe(true);
    }
    // Selecting one of them names it above the canvas.
    await highlighted.first().getByRole('button').click();
    const chip = page.getByTestId('selected-object');
    await chip.waitFor();
    const chipText = (await chip.textContent()) ?? '';
    expect(objectIds.some((id) => chipText.includes(`#${id} `)), chipText).toBe(true);
    await page.locator('.scene-head', { hasText: ' points (' }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(300);
    await shot('qa-open-in-scene', { docs: false });
    await expectClean();
  }, 90_000);

  it('heatmaps: cells, a tooltip on hover, and a click that drills into the QA explorer', async () => {
    await page.getByTestId('nav-heatmaps').click();
    const cells = page.locator('[data-testid="heatmap-cell"]:not([data-n="0"])');
    await cells.first().waitFor();
    expect(await cells.count()).toBeGreaterThan(1);
    const cell = cells.first();
    const family = (await cell.getAttribute('data-row'))!;
    const column = (await cell.getAttribute('data-col'))!;
    await cell.hover();
    const tooltip = page.getByTestId('tooltip');
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toContain('click to open these questions');
    await shot('heatmaps', { hover: true });

    await cell.click();
    await until(`location.hash === '#/qa'`);
    await page.getByRole('button', { name: `Remove filter ${family}` }).waitFor();
    await page.getByTestId('qa-row').first().waitFor();
    const round = /(\d+)/.exec(column)?.[1];
    const rows = await page.getByTestId('qa-row').evaluateAll((els) => els.map((r) => ({ round: r.children[1]?.textContent, family: r.children[2]?.textContent })));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.family === family), JSON.stringify(rows.slice(0, 5))).toBe(true);
    if (round !== undefined) expect(rows.every((r) => r.round === round), `column ${column}: ${JSON.stringify(rows.slice(0, 5))}`).toBe(true);
    await expectClean();
  }, 60_000);

  it("curves: the run's held-out series and per-family charts", async () => {
    const series = (await host.curves([theRun()]))[0]!;
    expect(series.points.length).toBeGreaterThan(0);
    await page.getByTestId('nav-curves').click();
    const chart = page.getByTestId('curves-chart');
    await chart.waitFor();
    const line = chart.locator(`[data-testid="curve-series"][data-run-id="${theRun()}"]`);
    await line.waitFor();
    await expect.poll(() => line.locator('circle').count(), POLL).toBe(series.points.length);
    expect(await line.locator('path').getAttribute('d')).toMatch(/^M/);
    expect(await page.getByTestId('curves-families').locator('figure').count()).toBeGreaterThan(0);
    await page.getByTestId('mix-segment').first().waitFor();
    await shot('curves');
    await expectClean();
  }, 60_000);

  it('viewer benchmark: 250k points, a few forced frames, finite frame times on window.__viewerBench', async () => {
    await js(`void (location.hash = '#/bench/viewer?sizes=250000&frames=5&auto=1')`);
    await until(`['done', 'error'].includes(window.__viewerBench?.status)`, 90_000);
    const bench = await js<{ status: string; error: string | null; results: { points: number; uploadMs: number; meanMs: number; p95Ms: number; fps: number }[] }>(
      'window.__viewerBench',
    );
    expect(bench.error).toBeNull();
    expect(bench.status).toBe('done');
    expect(bench.results).toHaveLength(1);
    const r = bench.results[0]!;
    expect(r.points).toBe(250_000);
    for (const v of [r.uploadMs, r.meanMs, r.p95Ms, r.fps]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    expect(r.p95Ms).toBeGreaterThanOrEqual(r.meanMs * 0.5);
    await expect.poll(() => page.getByTestId('bench-row').count(), POLL).toBe(1);
    console.log(`viewer bench (SwiftShader): 250k points, upload ${r.uploadMs.toFixed(0)} ms, mean frame ${r.meanMs.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms`);
    await shot('viewer-bench');
    await expectClean();
  }, 120_000);
});
