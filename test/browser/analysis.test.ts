/**
 * The Training, Compare and Experiment views in a browser against a small real workspace: a data-efficiency
 * experiment run by the engine itself (a tiny base model, then closed loop and no feedback × seeds 0 and 1, each
 * two rounds of four steps), served by the real host. What each view shows is checked against what the host
 * answers for the same workspace: the plotted steps, the crosshair's readings, each group's mean ± CI and n, the
 * paired difference and its verdict colour, the arms × seeds table and the experiment's conclusion.
 *
 * Screenshots go to test-results/browser/{training,compare,experiment}.png (and docs/screenshots with
 * UPDATE_SCREENSHOTS=1). Skipped, with the reason printed, without /usr/bin/chromium.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { protocolArms, runExperiment, type ExperimentProtocol } from '../../src/engine/experiment/experiment.js';
import { openStore } from '../../src/engine/store/index.js';
import { formatDifference, formatMeanInterval, type MeanInterval } from '../../src/shared/statistics.js';
import { CHROMIUM, haveChromium, openBrowserWorkbench, POLL, type BrowserWorkbench } from './harness.js';

if (!haveChromium) console.warn(`test/browser/analysis skipped: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);

const SMALL = { model: 'tiny' as const, rounds: 2, steps: 4, batch: 8, candidates: 200, benchmarkPerFamily: 3, threads: 1 };
const PROTOCOL: ExperimentProtocol = {
  preset: 'e2e',
  base: { name: 'e2e base', mode: 'no-feedback', scenes: ['synthetic:6'], heldoutFraction: 0.34, ...SMALL, seed: 0 },
  target: { scenes: ['synthetic:16?part=train'], heldoutScenes: ['synthetic:16?part=heldout'], dataSeed: 3, ...SMALL },
  reference: { name: 'e2e irreducible', mode: 'no-feedback', scenes: ['synthetic:16?part=reference'], seed: 0 },
  seeds: [0, 1],
  arms: protocolArms(SMALL).standard.filter((a) => ['reference', 'nofeedback'].includes(a.key)),
};

/** What a group's cell says: mean ± half-width (n), in percent, as the view writes it. */
const cellText = (s: MeanInterval): string => (s.halfWidth === null ? `${(s.mean * 100).toFixed(1)} (n = ${s.n})` : `${(s.mean * 100).toFixed(1)} ± ${(s.halfWidth * 100).toFixed(1)} (n = ${s.n})`);
/** A chart tick or readout value: four significant digits. */
const tick = (v: number): string => String(Number(v.toPrecision(4)));
const verdictClasses: Record<string, string> = { better: 'verdict verdict-better', worse: 'verdict verdict-worse', 'no difference': 'verdict verdict-none' };

describe.skipIf(!haveChromium)('training, comparison and experiment views in a browser (real host, a tiny real experiment)', () => {
  let wb: BrowserWorkbench;

  beforeAll(async () => {
    wb = await openBrowserWorkbench({
      async prepare(workspaceDir) {
        const store = openStore({ workspaceDir });
        try {
          const result = await runExperiment(store, PROTOCOL);
          expect(result.runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
        } finally {
          store.close();
        }
      },
    });
  }, 600_000);

  afterAll(async () => {
    await wb?.close();
  }, 60_000);

  beforeEach(() => wb?.mark());

  it('training: every step of the newest runs on three charts; the crosshair reads each run at the cursor', async () => {
    const { page, host, server } = wb;
    await page.goto(`${server.url}#/training`);
    const shown = (await host.listRuns()).slice(0, 4).map((r) => r.id);
    const series = await host.trainingSeries({ runIds: shown });
    expect(series.every((s) => s.total === SMALL.rounds * SMALL.steps && !s.downsampled)).toBe(true);
    const loss = page.getByTestId('dynamics-loss');
    await expect.poll(() => loss.getByTestId('dynamics-series').count(), POLL).toBe(shown.length);
    // Raw values without smoothing: one path command per stored step.
    await page.getByTestId('smoothing').fill('0');
    await expect.poll(() => loss.getByTestId('dynamics-smooth').count(), POLL).toBe(0);
    for (const s of series) {
      const d = (await loss.locator(`[data-testid="dynamics-series"][data-run-id="${s.runId}"] [data-testid="dynamics-raw"]`).getAttribute('d')) ?? '';
      expect(d.match(/[ML]/g)?.length, `loss path of ${s.name}`).toBe(s.points.length);
    }
    // At the right edge of the plot every run's nearest point is its last step.
    const box = (await loss.locator('svg').boundingBox())!;
    await page.mouse.move(box.x + box.width - 18, box.y + 60);
    await expect.poll(() => page.getByTestId('crosshair').count(), POLL).toBe(3);
    for (const s of series) {
      const last = s.points.at(-1)!;
      const row = page.locator(`[data-testid="readout-row"][data-run-id="${s.runId}"]`);
      await expect.poll(() => row.locator('td').nth(1).textContent(), POLL).toBe(`step ${last.step}`);
      expect(await row.locator('[data-metric="loss"]').textContent()).toBe(tick(last.loss));
      expect(await row.locator('[data-metric="lr"]').textContent()).toBe(tick(last.lr));
      expect(await row.locator('[data-metric="gradNorm"]').textContent()).toBe(last.gradNorm === null ? '—' : tick(last.gradNorm));
    }
    // Smoothed again, on a log round axis: the EMA is drawn over the faint raw values.
    await page.getByTestId('smoothing').fill('0.6');
    await page.getByTestId('axis-round').click();
    await page.getByTestId('log-x').check();
    await expect.poll(() => loss.getByTestId('dynamics-smooth').count(), POLL).toBe(shown.length);
    expect(await loss.locator('.axis-title').textContent()).toBe('round (log)');
    expect(await loss.locator('[data-testid="dynamics-raw"]').first().getAttribute('stroke-opacity')).toBe('0.3');
    await wb.shot('training');
    await wb.expectClean();
  }, 120_000);

  it('compare: groups by settings with mean ± CI and n per round, and the paired difference in its verdict colour', async () => {
    const { page, host } = wb;
    await page.getByTestId('nav-compare').click();
    const c = await host.compareRuns();
    // The base model's run, the closed-loop arm and the no-feedback arm (each arm two seeds).
    expect(c.groups.map((g) => g.runs.length).sort()).toEqual([1, 2, 2]);
    await expect.poll(() => page.getByTestId('group-row').count(), POLL).toBe(c.groups.length);
    for (const g of c.groups) {
      const row = page.locator(`[data-testid="group-row"][data-group-key="${g.key}"]`);
      for (const r of g.rounds) expect(await row.locator(`[data-testid="group-cell"][data-round="${r.round}"]`).textContent(), `${g.title}, round ${r.round}`).toBe(cellText(r.score));
    }
    const closed = c.groups.find((g) => g.settings.mode === 'closed-loop' && g.runs.length === 2)!;
    const none = c.groups.find((g) => g.settings.mode === 'no-feedback' && g.runs.length === 2)!;
    await page.getByTestId('pair-b').selectOption(none.key);
    await page.getByTestId('pair-a').selectOption(closed.key);
    const diff = (await host.compareRuns({ a: closed.key, b: none.key })).difference!;
    expect(diff.rounds.every((r) => r.pairs.length === 2)).toBe(true);
    await expect.poll(() => page.getByTestId('difference-row').count(), POLL).toBe(diff.rounds.length);
    for (const r of diff.rounds) {
      const v = page.locator(`[data-testid="difference-row"][data-round="${r.round}"] [data-testid="verdict"]`);
      await expect.poll(() => v.textContent(), POLL).toBe(formatDifference(r.difference, 100));
      expect(await v.getAttribute('class')).toBe(verdictClasses[r.difference.verdict]);
    }
    const last = diff.rounds.at(-1)!;
    const sentence = page.getByTestId('pair-sentence');
    expect(await sentence.textContent()).toContain(`A − B = ${formatDifference(last.difference, 100)}`);
    expect(await sentence.getAttribute('class')).toBe(`pair-sentence ${verdictClasses[last.difference.verdict]}`);
    await page.getByTestId('compare-axis-samples').click();
    await expect.poll(() => page.getByTestId('compare-chart').getByTestId('interval-series').count(), POLL).toBe(c.groups.length);
    await wb.shot('compare');
    await wb.expectClean();
  }, 90_000);

  it("experiment: the arms × seeds table, each arm over seeds against no feedback, the report's conclusion and the curves", async () => {
    const { page, host } = wb;
    await page.getByTestId('nav-experiment').click();
    const [e] = await host.experiments();
    expect(e!.preset).toBe('e2e');
    await expect.poll(() => page.getByTestId('arm-row').count(), POLL).toBe(2);
    for (const arm of e!.arms) {
      const row = page.locator(`[data-testid="arm-seed-row"][data-arm="${arm.arm}"]`);
      for (const cell of arm.cells) expect(await row.locator(`[data-testid="arm-seed-cell"][data-seed="${cell.seed}"]`).textContent()).toBe((cell.final! * 100).toFixed(1));
      const summary = page.locator(`[data-testid="arm-row"][data-arm="${arm.arm}"]`);
      expect(await summary.locator('td').nth(2).textContent()).toBe(formatMeanInterval(arm.score!, 100));
      if (arm.vsNoFeedback) {
        const v = summary.getByTestId('verdict');
        expect(await v.textContent()).toBe(formatDifference(arm.vsNoFeedback, 100));
        expect(await v.getAttribute('class')).toBe(verdictClasses[arm.vsNoFeedback.verdict]);
      }
    }
    expect(await page.getByTestId('experiment-conclusion').textContent()).toBe(e!.conclusion);
    const chart = page.getByTestId('experiment-chart');
    expect(await chart.getByTestId('interval-series').count()).toBe(2);
    const box = (await chart.locator('svg').boundingBox())!;
    await page.mouse.move(box.x + box.width - 20, box.y + 100);
    await expect.poll(() => chart.getByTestId('interval-readout').textContent(), POLL).toContain('(n = 2)');
    await wb.shot('experiment', { hover: true });
    await wb.expectClean();
  }, 90_000);
});
