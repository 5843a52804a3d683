/**
 * The renderer's views in headless Chromium on the in-memory FakeApi (test/renderer/harness, built with Vite):
 * behaviour that needs a real layout engine, focus, history and scrolling — heatmap drill-down and keyboard order,
 * QA deep links and table layout, open in scene, scroll per view, banners, the curves' run choice and colours, and
 * view state in the URL. No engine host and no run: each page load starts from the fake's fixed data
 * (runs `run-a`, a closed loop, and the newer `run-b`, a baseline), so these take seconds.
 *
 * Every console error or warning and every page error fails the test it happens in (the harness builds React in
 * development mode, which reports key and hook problems). Skipped, with the reason printed, where
 * /usr/bin/chromium is missing (`apt-get install -y chromium`).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HARNESS = join(ROOT, 'test', 'renderer', 'harness');
const POLL = { timeout: 15_000, interval: 50 };

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`test/browser/views skipped: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);

describe.skipIf(!haveChromium)('views in a browser, on the fake API', () => {
  let tmp: string;
  let server: Server;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let problems: string[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ouroboros-views-'));
    const outDir = join(tmp, 'harness');
    await build({
      root: HARNESS,
      mode: 'development',
      plugins: [react()],
      logLevel: 'error',
      define: { 'process.env.NODE_ENV': JSON.stringify('development') },
      build: { outDir, emptyOutDir: true, minify: false },
    });
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
    server = createServer((req, res) => {
      const path = join(outDir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      const file = path.startsWith(outDir) && existsSync(path) && !path.endsWith('/') ? path : join(outDir, 'index.html');
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--ignore-gpu-blocklist'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  beforeEach(() => {
    problems = [];
  });

  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
    expect(problems, 'console errors / warnings or page errors').toEqual([]);
  });

  /** A fresh page (its own history) at `hash`, the harness's fake API behind it. */
  async function open(hash: string, opts: { width?: number; height?: number; query?: string } = {}): Promise<Page> {
    return openUrl(`${base}${opts.query ?? '?qa=240'}${hash}`, opts);
  }

  /** A fresh page at a whole address, as a colleague opening a copied link gets it. */
  async function openUrl(url: string, opts: { width?: number; height?: number } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: opts.width ?? 1600, height: opts.height ?? 1000 }, deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e.message}`));
    await page.goto(url);
    return page;
  }

  /** Browser-side code goes as text: this project's Node tsconfig has no DOM types. */
  const js = <T>(page: Page, code: string): Promise<T> => page.evaluate(code) as Promise<T>;
  const hashOf = (page: Page): Promise<string> => js(page, 'location.hash');

  /** A question of the fake's, chosen in the page (the fake's data is the same on every load). */
  const question = (page: Page, predicate: string): Promise<{ id: number; runId: string; frame: number | null; sceneId: string; family: string; prediction: string | null }> =>
    js(page, `(() => { const q = window.__fake.qa.find(${predicate}); return { id: q.id, runId: q.runId, frame: q.frame, sceneId: q.sceneId, family: q.family, prediction: q.prediction }; })()`);

  describe('QA explorer', () => {
    it("open in scene shows the question's frame (issue 14, item 6)", async () => {
      const page = await open('#/qa');
      const q = await question(page, "(q) => q.runId === 'run-b' && q.frame !== null && q.frame > 0");
      await js(page, `void (location.hash = '#/qa/${q.id}')`);
      await page.getByTestId('qa-detail').locator('h2', { hasText: `QA ${q.id}` }).waitFor();
      await page.getByTestId('open-in-scene').click();
      await expect.poll(() => hashOf(page), POLL).toMatch(/^#\/scene\//);
      expect(await hashOf(page)).toContain(`frame=${q.frame}`);
      const scrubber = page.getByTestId('frame-scrubber');
      await expect.poll(() => scrubber.inputValue(), POLL).toBe(String(q.frame));
      // The strip counts frames from 1, as the question's text does.
      expect(await page.getByTestId('frame-panel').textContent()).toContain(`${q.frame! + 1} / `);
    });
  });

  it('the QA table fits beside the detail at 1280 px: verdict on screen, nothing wraps, measurements in their unit (issue 14, item 12)', async () => {
    const page = await open('#/qa', { width: 1280, height: 800 });
    const q = await question(page, "(q) => q.runId === 'run-b' && q.family === 'object_abs_distance' && q.prediction !== null");
    await js(page, `void (location.hash = '#/qa/${q.id}')`);
    await page.getByTestId('qa-detail').locator('h2', { hasText: `QA ${q.id}` }).waitFor();
    const row = page.locator(`[data-testid="qa-row"][data-qa-id="${q.id}"]`);
    await row.waitFor();
    // Every kept column lies inside the scroll box, with nothing to scroll sideways to.
    const fit = await js<{ scrollW: number; clientW: number; right: number; verdictRight: number; headRight: number; cols: string[] }>(
      page,
      `(() => {
        const box = document.querySelector('[data-testid="qa-scroll"]');
        const row = document.querySelector('[data-testid="qa-row"][data-qa-id="${q.id}"]');
        return {
          scrollW: box.scrollWidth, clientW: box.clientWidth, right: box.getBoundingClientRect().right,
          verdictRight: row.querySelector('[data-col="verdict"]').getBoundingClientRect().right,
          headRight: [...document.querySelectorAll('.qa-head [role="columnheader"]')].find((h) => h.textContent.startsWith('Verdict')).getBoundingClientRect().right,
          cols: [...row.children].map((c) => c.getAttribute('data-col')),
        };
      })()`,
    );
    expect(fit.cols).toEqual(expect.arrayContaining(['id', 'family', 'question', 'truth', 'prediction', 'verdict']));
    expect(fit.scrollW, 'no sideways scrolling').toBeLessThanOrEqual(fit.clientW);
    expect(fit.verdictRight).toBeLessThanOrEqual(fit.right);
    expect(fit.headRight).toBeLessThanOrEqual(fit.right);
    expect(await row.locator('[data-col="verdict"]').textContent()).toMatch(/^(accepted|rejected: .+)$/);

    // One line per cell and per id in the detail: nothing breaks mid-word.
    const lines = await js<{ what: string; lines: number }[]>(
      page,
      `[...document.querySelectorAll('[data-testid="qa-row"] [role="gridcell"], .qa-head [role="columnheader"], [data-testid="qa-scene-id"], [data-testid="qa-proposal-id"]')].map((el) => {
        // Lines of text: the tops of the text's boxes, those within a few pixels of each other being one line.
        const tops = [];
        const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          const range = document.createRange();
          range.selectNodeContents(n);
          for (const r of range.getClientRects()) if (r.width > 0) tops.push(r.top);
        }
        tops.sort((a, b) => a - b);
        const lines = tops.filter((t, i) => i === 0 || t - tops[i - 1] > 4).length;
        return { what: (el.getAttribute('data-col') ?? el.getAttribute('data-testid')) + ': ' + el.textContent, lines };
      })`,
    );
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.filter((l) => l.lines > 1)).toEqual([]);

    // A distance prediction in metres to the centimetre, its raw text in the title.
    const prediction = row.locator('[data-col="prediction"]');
    expect(await prediction.textContent()).toMatch(/^\d+\.\d\d m$/);
    expect(await prediction.getAttribute('title')).toBe(q.prediction);
    expect(await row.locator('[data-col="truth"]').textContent()).toMatch(/^\d+\.\d\d m$/);
    expect(await page.getByTestId('qa-detail').locator('dt:text-is("Prediction") + dd').textContent()).toMatch(/^\d+\.\d\d m$/);
  });

  it("a deep link to a question shows it beside its own run's table (issue 14, item 7)", async () => {
    // run-b is the newest run, the pickers' default; the question is run-a's.
    const page = await open('#/qa/7');
    await page.getByTestId('qa-detail').locator('h2', { hasText: 'QA 7' }).waitFor();
    await expect.poll(() => page.getByTestId('run-picker').inputValue(), POLL).toBe('run-a');
    await expect.poll(() => page.getByTestId('qa-total').textContent(), POLL).toMatch(/ in closed loop$/);
    const runA = new Set(await js<number[]>(page, "window.__fake.qa.filter((q) => q.runId === 'run-a').map((q) => q.id)"));
    await expect.poll(() => page.locator('[data-testid="qa-row"][data-qa-id="7"]').getAttribute('aria-selected'), POLL).toBe('true');
    const shown = await page.getByTestId('qa-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-qa-id'))));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.filter((id) => !runA.has(id))).toEqual([]);
    // Still so once the run list (and with it the pickers' default) has arrived.
    await page.getByTestId('nav-runs').waitFor();
    expect(await page.getByTestId('run-picker').inputValue()).toBe('run-a');
    expect(await page.getByTestId('qa-detail').locator('h2').textContent()).toBe('QA 7');
  });

  describe('shell and curves (issue 14, item 13)', () => {
    /** Runs scrolled to 300 in a 560-pixel window, then Curves opened from the nav: it must open at its top. */
    async function runsScrolledThenCurves(): Promise<{ page: Page; main: Locator; scrollTop: () => Promise<number> }> {
      const page = await open('#/runs', { height: 560 });
      await page.getByTestId('run-row').first().waitFor();
      const main = page.locator('.app-main');
      const scrollTop = (): Promise<number> => main.evaluate((el) => el.scrollTop);
      await expect.poll(() => main.evaluate((el) => el.scrollHeight - el.clientHeight), POLL).toBeGreaterThan(300);
      await main.evaluate((el) => el.scrollTo(0, 300));
      await expect.poll(scrollTop, POLL).toBe(300);
      await page.getByTestId('nav-curves').click();
      await page.getByTestId('curves-view').waitFor();
      await expect.poll(() => main.evaluate((el) => el.scrollHeight - el.clientHeight), POLL).toBeGreaterThan(100);
      expect(await scrollTop()).toBe(0);
      return { page, main, scrollTop };
    }

    it('a view opens at its top, and back returns to where the last one was scrolled', async () => {
      const { page, main, scrollTop } = await runsScrolledThenCurves();
      await main.evaluate((el) => el.scrollTo(0, 120));
      await page.goBack();
      await page.getByTestId('runs-view').waitFor();
      await expect.poll(scrollTop, POLL).toBe(300);
      await page.goForward();
      await page.getByTestId('curves-view').waitFor();
      await expect.poll(scrollTop, POLL).toBe(120);
    });

    it('a scroll made just before Back is kept for the entry it was made in', async () => {
      // A scroll still landing when Back happens (a smooth wheel scroll, say): it reaches the view before the view
      // changes, but its scroll event comes a frame later, when history.state is already the entry Back went to.
      const { page, main, scrollTop } = await runsScrolledThenCurves();
      await main.evaluate((el) => {
        const win = el.ownerDocument.defaultView!;
        win.addEventListener('popstate', () => el.scrollTo(0, 120), { once: true });
        win.history.back();
      });
      await page.getByTestId('runs-view').waitFor();
      await expect.poll(scrollTop, POLL).toBe(300);
      await main.evaluate((el) => el.ownerDocument.defaultView!.history.forward());
      await page.getByTestId('curves-view').waitFor();
      await expect.poll(scrollTop, POLL).toBe(120);
    });

    it('Back restores the scroll once the view has room for it, however late', async () => {
      const { page, main, scrollTop } = await runsScrolledThenCurves();
      // A window tall enough to show the whole run list: the restore cannot land, and waits.
      await page.setViewportSize({ width: 1600, height: 4000 });
      await page.goBack();
      await page.getByTestId('runs-view').waitFor();
      expect(await main.evaluate((el) => el.scrollHeight - el.clientHeight)).toBeLessThan(300);
      await page.waitForTimeout(6000); // longer than any time window a restore could have had
      await page.setViewportSize({ width: 1600, height: 560 });
      await expect.poll(scrollTop, POLL).toBe(300);
    });

    it('the start form checks a source at its field, takes a failed submit to the first problem, and keeps edits across views (issue 14, item 10)', async () => {
      const page = await open('#/runs');
      const form = page.getByTestId('start-run-form');
      await form.waitFor();
      await page.getByTestId('field-name').fill('my ablation');
      await page.getByTestId('field-scenes').fill('scanet:scene0000_00');
      // Away and back: what was typed is still there.
      await page.getByTestId('nav-curves').click();
      await page.getByTestId('curves-view').waitFor();
      await page.getByTestId('nav-runs').click();
      await form.waitFor();
      expect(await page.getByTestId('field-name').inputValue()).toBe('my ablation');
      expect(await page.getByTestId('field-scenes').inputValue()).toBe('scanet:scene0000_00');
      // A failed submit names the bad kind at the field and puts the cursor there; the host is not asked.
      const before = await js<number>(page, "window.__fake.calls.filter((c) => c.method === 'startRun').length");
      await page.getByTestId('field-name').focus();
      await page.getByTestId('start-run').click();
      await expect.poll(() => js<string>(page, 'document.activeElement?.getAttribute("name") ?? ""'), POLL).toBe('scenes');
      expect(await form.textContent()).toContain('unknown source "scanet:scene0000_00": expected one of synthetic:…');
      expect(await js<number>(page, "window.__fake.calls.filter((c) => c.method === 'startRun').length")).toBe(before);
    });

    it('a bad scene id shows one banner, not one per failed request', async () => {
      const page = await open('#/scene/synthetic%3Anope');
      await page.getByTestId('error-banner').first().waitFor();
      // Both the scene and its points are asked for; give the second failure time to arrive.
      await expect.poll(() => js<number>(page, "window.__fake.calls.filter((c) => c.method === 'getScenePoints').length"), POLL).toBeGreaterThan(0);
      await page.waitForTimeout(300);
      expect(await page.getByTestId('error-banner').count()).toBe(1);
      expect(await page.getByTestId('error-banner').textContent()).toContain('no scene "synthetic:nope"');
    });

    it('ticks more than two runs in Curves, each one plotted', async () => {
      const page = await open('#/curves', { query: '?qa=240&runs=3' });
      const toggles = page.getByTestId('curve-run-toggle');
      await expect.poll(() => toggles.count(), POLL).toBe(3);
      for (let i = 0; i < 3; i++) if (await toggles.nth(i).isChecked()) await toggles.nth(i).uncheck();
      for (let i = 0; i < 3; i++) {
        await toggles.nth(i).check();
        await expect.poll(() => page.getByTestId('curves-chart').locator('[data-testid="curve-series"]').count(), POLL).toBe(i + 1);
      }
      for (let i = 0; i < 3; i++) expect(await toggles.nth(i).isChecked()).toBe(true);
    });
  });

  describe('curves (issue 14, item 8)', () => {
    it('plots every run by default, each keeping its colour as runs are ticked, unticked and started; a started run is plotted at once', async () => {
      const page = await open('#/curves', { query: '?qa=60&runs=5' });
      const toggles = page.getByTestId('curve-run-toggle');
      await expect.poll(() => toggles.count(), POLL).toBe(5);
      const series = page.getByTestId('curves-chart').locator('[data-testid="curve-series"]');
      await expect.poll(() => series.count(), POLL).toBe(5);
      for (let i = 0; i < 5; i++) expect(await toggles.nth(i).isChecked()).toBe(true);
      const colours = (): Promise<Record<string, string>> =>
        series.evaluateAll((gs) => Object.fromEntries(gs.map((g) => [g.getAttribute('data-run-id'), g.querySelector('path')?.getAttribute('stroke') ?? ''])));
      const before = await colours();
      expect(new Set(Object.values(before)).size).toBe(5);

      // Untick the newest and another run: the others keep their colours.
      const toggleOf = (runId: string) => page.locator(`li:has([data-testid="curve-run-toggle"])`).filter({ hasText: runId === 'run-e' ? 'static e' : 'no feedback' }).getByTestId('curve-run-toggle');
      await toggleOf('run-e').uncheck();
      await toggleOf('run-b').uncheck();
      await expect.poll(() => series.count(), POLL).toBe(3);
      const after = await colours();
      for (const [id, colour] of Object.entries(after)) expect(colour, id).toBe(before[id]);
      await toggleOf('run-b').check();
      await expect.poll(() => series.count(), POLL).toBe(4);
      expect((await colours())['run-b']).toBe(before['run-b']);

      // A run started now appears ticked and on the chart; nobody's colour changes.
      const started = await js<string>(page, "window.__fake.startRun({ name: 'fresh', mode: 'closed-loop' }).then((r) => (window.__fake.emit({ type: 'run', runId: r.runId, status: 'running' }), r.runId))");
      await expect.poll(() => toggles.count(), POLL).toBe(6);
      await expect.poll(async () => Object.keys(await colours()), POLL).toContain(started);
      const withNew = await colours();
      for (const id of ['run-a', 'run-b', 'run-c', 'run-d']) expect(withNew[id], id).toBe(before[id]);
      expect(Object.values(withNew).filter((c) => c === withNew[started])).toHaveLength(1);
    });
  });

  describe('view state in the address (issue 14, shareable state)', () => {
    const href = (page: Page): Promise<string> => js(page, 'location.href');

    it('a copied QA explorer address reproduces its filters, sort, grouping and selected question', async () => {
      const page = await open('#/qa');
      await page.getByTestId('qa-row').first().waitFor();
      await page.getByTestId('run-picker').selectOption('run-a');
      await page.getByTestId('filter-family').selectOption('object_abs_distance');
      await page.getByTestId('filter-verdict').selectOption('accepted');
      await page.getByTestId('filter-search').fill('chair');
      await page.getByTestId('sort-confidence').click();
      await expect.poll(() => hashOf(page), POLL).toContain('q=chair');
      await page.getByTestId('qa-row').nth(1).click();
      const selected = await page.getByTestId('qa-row').nth(1).getAttribute('data-qa-id');
      await page.getByTestId('qa-detail').locator('h2', { hasText: `QA ${selected}` }).waitFor();
      await expect.poll(() => hashOf(page), POLL).toMatch(new RegExp(`^#/qa/${selected}\\?`));
      const hash = await hashOf(page);
      for (const part of ['run=run-a', 'family=object_abs_distance', 'verdict=accepted', 'q=chair', 'sort=confidence', 'desc=1']) expect(hash).toContain(part);
      const total = await page.getByTestId('qa-total').textContent();
      const ids = await page.getByTestId('qa-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-qa-id')));

      const copy = await openUrl(await href(page));
      await copy.getByTestId('qa-detail').locator('h2', { hasText: `QA ${selected}` }).waitFor();
      expect(await copy.getByTestId('run-picker').inputValue()).toBe('run-a');
      expect(await copy.getByTestId('filter-family').inputValue()).toBe('object_abs_distance');
      expect(await copy.getByTestId('filter-verdict').inputValue()).toBe('accepted');
      expect(await copy.getByTestId('filter-search').inputValue()).toBe('chair');
      await expect.poll(() => copy.getByTestId('qa-total').textContent(), POLL).toBe(total);
      await expect.poll(() => copy.getByTestId('qa-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-qa-id'))), POLL).toEqual(ids);
      expect(await copy.locator('[role="columnheader"][aria-sort="descending"]').getAttribute('data-col')).toBe('confidence');
      expect(await hashOf(copy)).toBe(hash);

      // Grouping travels too.
      await copy.getByTestId('group-by-family').check();
      await expect.poll(() => hashOf(copy), POLL).toContain('group=1');
      const grouped = await openUrl(await href(copy));
      await grouped.getByTestId('qa-group').first().waitFor();
      expect(await grouped.getByTestId('group-by-family').isChecked()).toBe(true);
    });

    it('a copied heatmap address reproduces its run, table, metric and family', async () => {
      const page = await open('#/heatmaps');
      await page.getByTestId('heatmap-cell').first().waitFor();
      await page.getByTestId('run-picker').selectOption('run-a');
      await page.getByTestId('heatmap-kind-bin-round').click();
      await page.getByTestId('heatmap-metric').selectOption('frontier');
      await page.getByTestId('heatmap-family').selectOption('object_counting');
      await expect.poll(() => hashOf(page), POLL).toBe('#/heatmaps?run=run-a&table=bin-round&metric=frontier&family=object_counting');
      const cells = (p: Page): Promise<string[]> =>
        p.getByTestId('heatmap-cell').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-row')}|${e.getAttribute('data-col')}|${e.getAttribute('data-value')}|${e.getAttribute('data-n')}`));
      await expect.poll(async () => (await cells(page)).length, POLL).toBeGreaterThan(0);
      const shown = await cells(page);

      const copy = await openUrl(await href(page));
      await expect.poll(() => cells(copy), POLL).toEqual(shown);
      expect(await copy.getByTestId('run-picker').inputValue()).toBe('run-a');
      expect(await copy.getByTestId('heatmap-kind-bin-round').getAttribute('aria-checked')).toBe('true');
      expect(await copy.getByTestId('heatmap-metric').inputValue()).toBe('frontier');
      expect(await copy.getByTestId('heatmap-family').inputValue()).toBe('object_counting');
    });

    it('a copied curves address reproduces the ticked runs and the mix run; no run ticked stays so', async () => {
      const page = await open('#/curves', { query: '?qa=60&runs=3' });
      const toggles = page.getByTestId('curve-run-toggle');
      await expect.poll(() => toggles.count(), POLL).toBe(3);
      await toggles.nth(1).uncheck();
      await page.locator('.curves-view [data-testid="run-picker"]').selectOption('run-b');
      await expect.poll(() => hashOf(page), POLL).toBe('#/curves?runs=run-c,run-a&mix=run-b');
      const copy = await openUrl(await href(page));
      const series = copy.getByTestId('curves-chart').locator('[data-testid="curve-series"]');
      await expect.poll(() => series.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-run-id'))), POLL).toEqual(['run-c', 'run-a']);
      expect(await copy.getByTestId('curve-run-toggle').evaluateAll((els) => els.map((e) => (e as unknown as { checked: boolean }).checked))).toEqual([true, false, true]);
      expect(await copy.locator('.curves-view [data-testid="run-picker"]').inputValue()).toBe('run-b');

      const none = await openUrl(`${base}?qa=60&runs=3#/curves?runs=`);
      await none.getByTestId('curves-view').waitFor();
      await expect.poll(() => none.getByTestId('curve-run-toggle').count(), POLL).toBe(3);
      expect(await none.getByTestId('curve-run-toggle').evaluateAll((els) => els.map((e) => (e as unknown as { checked: boolean }).checked))).toEqual([false, false, false]);
    });

    it("a copied scene address keeps the scene's colouring", async () => {
      const page = await open('#/scene/synthetic%3As1');
      await page.getByTestId('color-height').click();
      await expect.poll(() => hashOf(page), POLL).toBe('#/scene/synthetic%3As1?color=height');
      await page.getByTestId('color-confidence').click();
      await expect.poll(() => hashOf(page), POLL).toBe('#/scene/synthetic%3As1?color=confidence&run=run-b');
      const copy = await openUrl(await href(page));
      await expect.poll(() => copy.getByTestId('color-confidence').getAttribute('aria-checked'), POLL).toBe('true');
      await copy.getByTestId('confidence-questions').waitFor();
    });

    it('Back and Forward restore each view as it was left', async () => {
      const page = await open('#/qa');
      await page.getByTestId('qa-row').first().waitFor();
      await page.getByTestId('filter-family').selectOption('object_counting');
      await expect.poll(() => hashOf(page), POLL).toContain('family=object_counting');
      await page.getByTestId('nav-heatmaps').click();
      await page.getByTestId('heatmap-cell').first().waitFor();
      await page.getByTestId('heatmap-metric').selectOption('hard');
      await expect.poll(() => hashOf(page), POLL).toContain('metric=hard');
      // Drill into a cell: a third entry, with the cell's filter.
      await page.locator('[data-testid="heatmap-cell"]:not([data-n="0"])').first().click();
      await expect.poll(() => hashOf(page), POLL).toContain('bucket=hard');
      expect(await page.getByTestId('filter-bucket').inputValue()).toBe('hard');

      await page.goBack();
      await expect.poll(() => page.getByTestId('heatmap-metric').inputValue(), POLL).toBe('hard');
      await page.goBack();
      await expect.poll(() => page.getByTestId('filter-family').inputValue(), POLL).toBe('object_counting');
      expect(await page.getByTestId('filter-bucket').inputValue()).toBe('');
      await page.goForward();
      await expect.poll(() => page.getByTestId('heatmap-metric').inputValue(), POLL).toBe('hard');
      await page.goForward();
      await expect.poll(() => page.getByTestId('filter-bucket').inputValue(), POLL).toBe('hard');
    });
  });

  describe('heatmaps', () => {
    it('a cell opens exactly the questions it counts: accepted (and answered) ones, not the rejected (issue 14, item 5)', async () => {
      const page = await open('#/heatmaps');
      const cell = page.locator('[data-testid="heatmap-cell"][data-row="object_counting"][data-col="1"]');
      await cell.waitFor();
      const n = Number(await cell.getAttribute('data-n'));
      expect(n).toBeGreaterThan(0);
      await cell.hover();
      await expect.poll(() => page.getByTestId('tooltip').textContent(), POLL).toContain(`click to open its ${n} answered questions`);
      await cell.click();
      await expect.poll(() => hashOf(page), POLL).toMatch(/^#\/qa/);
      await expect.poll(() => page.getByTestId('qa-total').textContent(), POLL).toMatch(new RegExp(`^${n} questions? in `));
      const verdicts = await page.getByTestId('qa-row').evaluateAll((rows) => rows.map((r) => r.querySelector('[data-col="verdict"]')?.textContent));
      expect(verdicts.length).toBe(n);
      expect(new Set(verdicts)).toEqual(new Set(['accepted']));
    });

    it('arrow keys and Tab move through the cells in the order they are drawn (issue 14, item 11)', async () => {
      const page = await open('#/heatmaps');
      await page.getByTestId('heatmap-cell').first().waitFor();
      // Visual order: rows top to bottom, cells left to right within a row.
      const cells = await page.getByTestId('heatmap-cell').evaluateAll((els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect();
          return { key: `${e.getAttribute('data-row')}|${e.getAttribute('data-col')}`, x: Math.round(r.left), y: Math.round(r.top) };
        }),
      );
      const visual = [...cells].sort((a, b) => a.y - b.y || a.x - b.x);
      const focused = (): Promise<string> => js(page, "`${document.activeElement?.getAttribute('data-row')}|${document.activeElement?.getAttribute('data-col')}`");
      await page.locator(`[data-testid="heatmap-cell"][data-row="${visual[0]!.key.split('|')[0]}"][data-col="${visual[0]!.key.split('|')[1]}"]`).focus();
      const tabbed = [await focused()];
      for (let i = 1; i < Math.min(visual.length, 12); i++) {
        await page.keyboard.press('Tab');
        tabbed.push(await focused());
      }
      expect(tabbed).toEqual(visual.slice(0, tabbed.length).map((c) => c.key));

      // Arrows move in two dimensions: right along the row, down to the cell below.
      const at = (key: string): { x: number; y: number } => {
        const c = cells.find((x) => x.key === key)!;
        return { x: c.x, y: c.y };
      };
      const start = visual[0]!;
      await page.locator(`[data-testid="heatmap-cell"][data-row="${start.key.split('|')[0]}"][data-col="${start.key.split('|')[1]}"]`).focus();
      await page.keyboard.press('ArrowRight');
      const right = await focused();
      expect(at(right).y).toBe(start.y);
      expect(at(right).x).toBe(visual.filter((c) => c.y === start.y && c.x > start.x).sort((a, b) => a.x - b.x)[0]!.x);
      await page.keyboard.press('ArrowDown');
      const down = await focused();
      expect(at(down).x).toBe(at(right).x);
      expect(at(down).y).toBeGreaterThan(start.y);
      await page.keyboard.press('ArrowLeft');
      expect(at(await focused())).toEqual({ x: start.x, y: at(down).y });
      await page.keyboard.press('ArrowUp');
      expect(await focused()).toBe(start.key);
      await page.keyboard.press('End');
      const end = await focused();
      expect(at(end).y).toBe(start.y);
      expect(at(end).x).toBe(Math.max(...cells.filter((c) => c.y === start.y).map((c) => c.x)));
    });
  });
});
