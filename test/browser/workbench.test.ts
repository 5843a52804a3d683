/**
 * The real workbench in browser mode, end to end, on the browser harness (harness.ts: the renderer built by
 * electron-vite, the engine host over a fresh workspace behind `startWorkbenchServer`, headless Debian Chromium with
 * SwiftShader, and its console rule). A small real run is started through the form and then every view is checked
 * against it: runs (live progress, rounds, held-out score), scene (WebGL pixels, frame image), QA explorer (program,
 * re-run, open in scene), question context in the scene (text, roles, measure, stepping the filtered list), replay,
 * heatmaps (tooltip, drill-down), curves, and the viewer benchmark.
 *
 * Screenshots of each view go to test-results/browser/<view>.png; with UPDATE_SCREENSHOTS=1 also to
 * docs/screenshots/<view>.png (the README's pictures). Skipped, with the reason printed, where
 * /usr/bin/chromium is missing (`apt-get install -y chromium`).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { WorkbenchHost } from '../../src/engine/host/index.js';
import type { WorkbenchServer } from '../../src/server/server.js';
import { formatAnswer } from '../../src/renderer/src/lib/answerFormat.js';
import { LOOP_STAGES } from '../../src/shared/records.js';
import { CHROMIUM, haveChromium, openBrowserWorkbench, POLL, type BrowserWorkbench } from './harness.js';
import { decodePng, pixelStats, type PixelStats } from './png.js';

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

if (!haveChromium) {
  console.warn(`test/browser skipped: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);
}

describe.skipIf(!haveChromium)('the workbench in a browser (real host, real run)', () => {
  let w: BrowserWorkbench;
  let host: WorkbenchHost;
  let server: WorkbenchServer;
  let page: Page;
  /** Paths of every request the page made, in order (API calls are POST /api/<method>). */
  let requests: string[];
  let runId: string | undefined;

  beforeAll(async () => {
    w = await openBrowserWorkbench();
    ({ host, server, page, requests } = w);
  }, 300_000);

  afterAll(async () => {
    await w?.close();
  }, 60_000);

  beforeEach(() => w?.mark());

  const expectClean = (): Promise<void> => w.expectClean();
  const js = <T>(code: string): Promise<T> => w.js<T>(code);
  const until = (code: string, timeout?: number): Promise<void> => w.until(code, timeout);
  const shot = (name: string, opts: { docs?: boolean; hover?: boolean; top?: boolean } = {}): Promise<void> => w.shot(name, opts);

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
        const shown = await page.getByTestId('qa-row').evaluateAll((rows) => rows.map((r) => `${r.querySelector('[data-col="family"]')?.textContent} ${r.querySelector('[data-col="verdict"]')?.textContent}`));
        return shown.length > 0 && shown.every((t) => t === `${family} accepted`);
      }, POLL)
      .toBe(true);
    const ids = await page.getByTestId('qa-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-qa-id'))));
    // Each row's prediction column is the latest prediction the list query returned with it (in the family's unit,
    // the exact text its title); no row asked for its own.
    const listed = new Map((await host.queryQa({ runId: theRun(), family: family!, verdict: 'accepted', limit: 10_000 })).rows.map((r) => [r.id, r]));
    const shownPredictions = await page.getByTestId('qa-row').evaluateAll((rows) => rows.map((r) => ({ id: Number(r.getAttribute('data-qa-id')), text: r.querySelector('[data-col="prediction"]')?.textContent ?? '', title: r.querySelector('[data-col="prediction"]')?.getAttribute('title') ?? null })));
    expect(shownPredictions.filter(({ id }) => (listed.get(id)?.prediction ?? null) !== null).length, 'answered rows on screen').toBeGreaterThan(0);
    for (const { id, text, title } of shownPredictions) {
      expect(text, `prediction of QA ${id}`).toBe(formatAnswer(family!, listed.get(id)?.prediction ?? null));
      expect(title, `prediction of QA ${id}`).toBe(listed.get(id)?.prediction ?? null);
    }
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
    expect(await open.getAttribute('title')).toContain(`highlights objects ${objectIds.join(', ')}`);
    await open.click();
    await until(`location.hash.startsWith('#/scene/')`);
    const hash = await js<string>('location.hash');
    expect(hash).toContain(`#/scene/${encodeURIComponent(stored.qa.sceneId)}`);
    expect(hash).toContain(`qa=${qaId}`);
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

    // The question stays on screen beside the scene (issue 14): its text, truth and prediction as the host has them.
    const overlay = page.getByTestId('question-overlay');
    await overlay.waitFor();
    expect(await overlay.getAttribute('data-qa-id')).toBe(String(qaId));
    expect((await page.getByTestId('question-text').textContent())?.trim()).toBe(stored.qa.question);
    expect((await page.getByTestId('question-truth').textContent())?.trim()).toBe(formatAnswer(family!, stored.qa.answer));
    const prediction = listed.get(qaId!)?.prediction ?? null;
    expect((await page.getByTestId('question-prediction').textContent())?.trim()).toBe(prediction === null ? 'not answered yet' : formatAnswer(family!, prediction));
    if (family === 'object_abs_distance') {
      // The segment between the two boxes' closest points carries the program's own value.
      const measure = page.locator('.scene-labels [data-role="distance"]');
      await expect.poll(() => measure.count(), POLL).toBe(1);
      expect(await measure.textContent()).toBe(`${Number(stored.qa.programResult).toFixed(2)} m`);
      expect(Math.abs(Number(await measure.getAttribute('data-value')) - Number(stored.qa.programResult))).toBeLessThanOrEqual(0.005 + 1e-9);
    }
    // Next goes to the following row of the explorer's filtered list, without leaving the scene; [ comes back.
    const nextId = ids[ids.indexOf(qaId!) + 1];
    if (nextId !== undefined) {
      await page.getByTestId('question-next').click();
      await expect.poll(() => overlay.getAttribute('data-qa-id'), POLL).toBe(String(nextId));
      const next = await host.getQa(nextId);
      await expect.poll(async () => (await page.getByTestId('question-text').textContent())?.trim(), POLL).toBe(next.qa.question);
      expect(await js<string>('location.hash')).toMatch(new RegExp(`^#/scene/[^?]+\\?qa=${nextId}(&|$)`));
      await page.keyboard.press('[');
      await expect.poll(() => overlay.getAttribute('data-qa-id'), POLL).toBe(String(qaId));
    }
    expect(requests.slice(before).filter((p) => p === '/api/queryQa').length, 'stepping reuses the loaded list').toBeLessThanOrEqual(2);
    await expectClean();
  }, 90_000);

  it('question context in the scene: reference and candidates styled apart, the measure drawn (issue 14)', async () => {
    let family: string | undefined;
    for (const f of ['object_rel_distance', 'object_rel_direction_easy', 'object_rel_direction_medium', 'object_rel_direction_hard']) {
      if ((await host.queryQa({ runId: theRun(), family: f, verdict: 'accepted', limit: 1 })).total > 0) {
        family = f;
        break;
      }
    }
    expect(family, 'accepted questions with a reference object').toBeDefined();
    const { rows } = await host.queryQa({ runId: theRun(), family: family!, verdict: 'accepted', limit: 2 });
    const q = rows[0]!;
    await js(`void (location.hash = '#/qa/${q.id}?run=${encodeURIComponent(theRun())}&family=${family}&verdict=accepted')`);
    await page.getByTestId('qa-detail').locator('h2', { hasText: `QA ${q.id}` }).waitFor();
    await page.getByTestId('open-in-scene').click();
    const overlay = page.getByTestId('question-overlay');
    await expect.poll(() => overlay.getAttribute('data-qa-id'), POLL).toBe(String(q.id));
    const reference = page.locator('.scene-labels [data-role="reference"]');
    const candidate = page.locator('.scene-labels [data-role="candidate"]');
    const args = q.args as Record<string, string | string[]>;
    const expectedReference = family === 'object_rel_distance' ? [args.reference as string] : [args.standingBy as string, args.facing as string];
    const expectedCandidate = family === 'object_rel_distance' ? (args.candidates as string[]) : [args.query as string];
    await expect.poll(async () => (await reference.allTextContents()).sort(), POLL).toEqual([...expectedReference].sort());
    expect((await candidate.allTextContents()).sort()).toEqual([...expectedCandidate].sort());
    const background = (el: typeof reference): Promise<string> => el.first().evaluate((e) => (globalThis as unknown as { getComputedStyle(x: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor);
    // Candidates in the highlight orange; the reference violet (cyan if it is the selected object).
    expect(await background(candidate)).toBe('rgb(255, 159, 28)');
    expect(await background(reference)).not.toBe(await background(candidate));
    if (family === 'object_rel_distance') {
      // One closest-point segment per candidate, labelled with its distance.
      const measures = await page.locator('.scene-labels [data-role="distance"]').allTextContents();
      expect(measures.map((m) => m.replace(/ \d+\.\d\d m$/, ''))).toEqual(expectedCandidate);
    } else {
      expect(await page.locator('.scene-labels [data-role="angle"]').textContent()).toMatch(/^\d+° (left|right|straight ahead)$/);
    }
    await page.locator('.scene-head', { hasText: ' points (' }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    await shot('scene-question');
    if (rows[1]) {
      await page.keyboard.press(']');
      await expect.poll(() => overlay.getAttribute('data-qa-id'), POLL).toBe(String(rows[1].id));
      expect(await js<string>('location.hash')).toMatch(/^#\/scene\//);
    }
    await expectClean();
  }, 90_000);

  it('replay: the run round by round, and a picture of it', async () => {
    await js(`void (location.hash = '#/replay/${encodeURIComponent(theRun())}')`);
    await expect.poll(() => page.getByTestId('replay-round').textContent(), POLL).toMatch(/^Round 0 \(1 of \d\)$/);
    await page.locator('.replay-scene canvas').waitFor();
    await page.getByTestId('replay-view').focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.getByTestId('replay-round').textContent(), POLL).toMatch(/^Round \d \((\d) of \1\)$/);
    // A frame drawn with the points in (the replay loads them with the scene).
    const canvas = page.locator('.replay-scene canvas');
    await expect.poll(async () => pixelStats(decodePng(await canvas.screenshot())).nonDominant, POLL).toBeGreaterThan(0.02);
    await shot('replay', { top: true });
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
    const n = Number(await cell.getAttribute('data-n'));
    await cell.hover();
    const tooltip = page.getByTestId('tooltip');
    await tooltip.waitFor();
    // Mean confidence (the default metric) counts the answered accepted questions; a click opens exactly those.
    expect(await tooltip.textContent()).toContain(`click to open its ${n} answered question`);
    await shot('heatmaps', { hover: true });

    await cell.click();
    // The QA explorer's address carries the cell's filter (and the run).
    await until(`location.hash.startsWith('#/qa?run=')`);
    await page.getByRole('button', { name: `Remove filter ${family}` }).waitFor();
    await page.getByTestId('qa-row').first().waitFor();
    await expect.poll(() => page.getByTestId('qa-total').textContent(), POLL).toMatch(new RegExp(`^${n} questions? in `));
    const round = /(\d+)/.exec(column)?.[1];
    const rows = await page.getByTestId('qa-row').evaluateAll((els) => els.map((r) => ({ round: r.querySelector('[data-col="round"]')?.textContent, family: r.querySelector('[data-col="family"]')?.textContent })));
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
