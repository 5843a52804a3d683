/**
 * The runs view in a real browser against a real host (issue 14): the rounds table of a run the page never saw
 * live (made by the CLI, or any run after a reload) shows the loss and samples seen the store has; each round's
 * status and stage follow the stored state and the live events through a run, a Stop and a Resume; set-up is
 * shown as set-up, not as round −1; and run management — rename, tags, notes, clone into the start form, a
 * sortable table with the settings as columns and a tags filter, delete with its blobs after a confirmation.
 * Skipped, with the reason printed, where /usr/bin/chromium is missing (`apt-get install -y chromium`).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeRound } from '../../src/engine/loop/metrics.js';
import { listCheckpoints, listRounds, openStore } from '../../src/engine/store/index.js';
import { formatCount } from '../../src/renderer/src/lib/format.js';
import { CHROMIUM, haveChromium, openBrowserWorkbench, POLL, runLoopCli, type BrowserWorkbench } from './harness.js';

if (!haveChromium) console.warn(`test/browser/runs skipped: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);

/** A run the form starts: rounds long enough (train steps) to stop one in the middle on two busy cores. */
const FORM: Record<string, string> = {
  name: 'browser run',
  scenes: 'synthetic:6',
  heldoutFraction: '0.34',
  rounds: '3',
  steps: '60',
  batch: '8',
  warmupSteps: '2',
  candidates: '240',
  benchmarkPerFamily: '3',
  model: 'tiny',
  threads: '1',
  seed: '7',
};

/** What one look at the runs panel saw: each round row's status cell, and the live strip's label and running stage. */
interface Look {
  rows: { round: string; status: string }[];
  label: string | null;
  running: string[];
  eta: string | null;
}

/** The round a live strip's label names ("Round 1 (2 of 3)"; before issue 14, "Round 1 (round 2 of 3)"). */
function roundOf(label: string | null): string | undefined {
  return label ? /^Round (-?\d+)/.exec(label.trim())?.[1] : undefined;
}

describe.skipIf(!haveChromium)('the runs view in a browser (real host, real runs)', () => {
  let w: BrowserWorkbench;
  let cliRunId = '';
  let formRunId = '';

  beforeAll(async () => {
    w = await openBrowserWorkbench();
  }, 300_000);

  afterAll(async () => {
    await w?.close();
  }, 60_000);

  beforeEach(() => w?.mark());

  /** Column index of a header of the rounds table, read from the page so the test does not hard-code the layout. */
  async function column(title: string): Promise<number> {
    const heads = await w.page.getByTestId('rounds-table').locator('thead th').allTextContents();
    const i = heads.findIndex((h) => h.trim() === title);
    expect(i, `a "${title}" column in ${heads.join(' | ')}`).toBeGreaterThanOrEqual(0);
    return i;
  }

  async function cells(index: number): Promise<string[]> {
    return w.page.getByTestId('round-row').evaluateAll((rows, i) => rows.map((r) => (r.children[i]?.textContent ?? '').trim()), index);
  }

  /** What every look at the panel must show (see `Look`); `stopped`: the looks up to a Stop, from the run's start. */
  function checkLooks(looks: Look[], { stopped }: { stopped: boolean }): void {
    expect(looks.length).toBeGreaterThan(stopped ? 10 : 3);
    // Set-up (the held-out benchmark before round 0) is never shown as a round.
    const labels = [...new Set(looks.map((l) => l.label).filter((l): l is string => l !== null))];
    expect(labels.filter((l) => /-1|round 0 of/.test(l)), `live strip labels: ${labels.join(' | ')}`).toEqual([]);
    expect(labels.filter((l) => !/^(Set-up|Round \d+ \(\d+ of 3\))/.test(l)), `live strip labels: ${labels.join(' | ')}`).toEqual([]);
    // A row that says running names the stage under way: the one the live strip shows running at that moment, or none
    // when the strip shows none (between two stages).
    const mismatches = looks.flatMap((l) =>
      l.rows
        .filter((r) => r.status.startsWith('running'))
        .filter((r) => roundOf(l.label) !== r.round || (r.status === 'running' ? l.running.length > 0 : !l.running.some((s) => r.status === `running ${s.split(' ')[0]}`)))
        .map((r) => `round ${r.round} "${r.status}" while the strip shows ${l.label}: ${l.running.join(', ') || 'nothing running'}`),
    );
    expect([...new Set(mismatches)].slice(0, 5)).toEqual([]);
    // Rows appear as their round starts, not only when it ends.
    const round = stopped ? '1' : '2';
    expect(looks.some((l) => l.rows.some((r) => r.round === round && r.status.startsWith('running'))), `round ${round} shown running`).toBe(true);
    // Once a round finished the panel estimates what is left.
    if (stopped) expect(looks.some((l) => l.eta !== null && /^ETA /.test(l.eta)), `ETA texts: ${[...new Set(looks.map((l) => l.eta))].join(' | ')}`).toBe(true);
  }

  it('a run made by the CLI shows the loss and samples seen of each round the store has, before and after a reload', async () => {
    cliRunId = await runLoopCli(w.workspaceDir, ['--base', 'none', '--scenes', 'synthetic:4', '--rounds', '2', '--steps', '2', '--batch', '4', '--candidates', '40', '--benchmark-per-family', '2', '--model', 'tiny', '--name', 'from the cli', '--seed', '3']);

    // What the loop's own `round` events carried: the figures a viewer who watched it live saw.
    const store = openStore({ workspaceDir: w.workspaceDir, readonly: true });
    const expected = listRounds(store, cliRunId).map((it) => summarizeRound(store, cliRunId, it));
    store.close();
    expect(expected.map((s) => s.round)).toEqual([0, 1]);
    expect(expected.every((s) => s.meanLoss !== null && s.samplesSeen > 0)).toBe(true);

    const { page } = w;
    await page.goto(`${w.server.url}#/runs/${encodeURIComponent(cliRunId)}`);
    for (const when of ['first load', 'after a reload']) {
      await expect.poll(() => page.getByTestId('round-row').count(), POLL).toBe(2);
      const seen = await column('Samples seen');
      const loss = await column('Loss');
      await expect.poll(() => cells(seen), { ...POLL, message: `samples seen, ${when}` }).toEqual(expected.map((s) => formatCount(s.samplesSeen)));
      await expect.poll(() => cells(loss), { ...POLL, message: `loss, ${when}` }).toEqual(expected.map((s) => s.meanLoss!.toFixed(3)));
      if (when === 'first load') await page.reload();
    }
    await w.expectClean();
  }, 180_000);

  it('each round row follows the stored state and the live stages through a run, a Stop and a Resume; set-up is set-up', async () => {
    const { page } = w;
    await page.goto(`${w.server.url}#/runs`);
    await page.getByTestId('field-name').waitFor();
    for (const [key, value] of Object.entries(FORM)) {
      const field = page.getByTestId(`field-${key}`);
      if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
      else await field.fill(value);
    }
    // Every look at the panel while the run goes on: rows and live strip are compared look by look, since the
    // run may pass a stage between two polls.
    await w.js(`(() => {
      const looks = [];
      const look = () => {
        const detail = document.querySelector('[data-testid="run-detail"]');
        if (!detail) return;
        const table = detail.querySelector('[data-testid="rounds-table"]');
        const heads = table ? [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim()) : [];
        const statusAt = heads.indexOf('Status');
        const rows = [...detail.querySelectorAll('[data-testid="round-row"]')].map((r) => ({ round: r.children[0].textContent.trim(), status: r.children[statusAt].textContent.trim().replace(/\\s+/g, ' ') }));
        const strip = detail.querySelector('[data-testid="live-stages"]');
        const label = strip ? strip.querySelector('.stage-strip > span:first-child')?.textContent.trim() ?? null : null;
        const running = strip ? [...strip.querySelectorAll('.stage-running')].map((s) => s.textContent.trim()) : [];
        const eta = detail.querySelector('[data-testid="run-eta"]')?.textContent.trim() ?? null;
        looks.push({ rows, label, running, eta });
      };
      const observer = new MutationObserver(look);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      window.__runLooks = { looks, stop: () => observer.disconnect() };
    })()`);
    await page.getByTestId('start-run').click();
    await w.until(`location.hash.startsWith('#/runs/')`);
    formRunId = decodeURIComponent((await w.js<string>('location.hash')).slice('#/runs/'.length));
    const detail = page.getByTestId('run-detail');
    await expect.poll(() => detail.locator('h2').textContent(), POLL).toBe(FORM.name);

    // Stop while round 1 trains: after round 0 finished, so an ETA can be made from it. The page itself watches for
    // that moment and clicks at once: a round of this run lasts about a second, and a click driven from here (a round
    // trip per look, then the click's own checks: 0.4–1 s measured) let the run finish first on a loaded machine, where
    // it then never showed paused (CI saw that once).
    const atStop = await w.js<{ deleteButtons: number }>(`new Promise((resolve, reject) => {
      const give = setTimeout(() => { clearInterval(timer); reject(new Error('round 1 never showed its train stage running')); }, 150000);
      const timer = setInterval(() => {
        const strip = document.querySelector('[data-testid="live-stages"]');
        const label = strip?.querySelector('.stage-strip > span')?.textContent.trim() ?? '';
        const training = [...(strip?.querySelectorAll('.stage-running') ?? [])].some((s) => s.textContent.trim().startsWith('train'));
        const stop = document.querySelector('[data-testid="stop-run"]');
        if (!/^Round 1 /.test(label) || !training || !stop) return;
        clearInterval(timer);
        clearTimeout(give);
        const deleteButtons = document.querySelectorAll('[data-testid="delete-run"]').length;
        stop.click();
        resolve({ deleteButtons });
      }, 10);
    })`);
    expect(atStop.deleteButtons, 'no Delete for a running run').toBe(0);
    // The Stop takes effect at the loop's next safe point; a run that ended first never shows paused, so say so.
    await expect.poll(async () => (await w.host.getRun(formRunId)).run.status, { ...POLL, timeout: 60_000 }).not.toBe('running');
    const afterStop = (await w.host.getRun(formRunId)).run.status;
    expect(afterStop, `the run ${afterStop} before the Stop took effect: its rounds are too short for this machine`).toBe('paused');
    await detail.locator('.panel-head .status-paused').waitFor({ timeout: 60_000 });
    checkLooks(await w.js<Look[]>('window.__runLooks.looks.splice(0)'), { stopped: true });

    // After the Stop the rows say what the store says: round 0 completed; the stopped round paused, after the last
    // stage it committed.
    // The Stop takes effect at the next safe point: normally inside round 1, on a loaded machine perhaps after it
    // (CI once saw round 2 created): whichever, the rows must say what the store says.
    const stored = await w.host.getRun(formRunId);
    const statuses = stored.rounds.map((it) => it.status);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses).toEqual([...statuses.slice(0, -1).map(() => 'completed'), 'pending']);
    const stopped = stored.rounds[stored.rounds.length - 1]!;
    await expect
      .poll(async () => (await cells(await column('Status'))).map((s) => s.replace(/\s+/g, ' ')), POLL)
      .toEqual([...statuses.slice(0, -1), `paused${stopped.stage ? ` after ${stopped.stage}` : ''}`]);

    await page.getByTestId('resume-run').first().click();
    await detail.locator('.panel-head .status-completed').waitFor({ timeout: 180_000 });
    await expect.poll(async () => cells(await column('Status')), POLL).toEqual(['completed', 'completed', 'completed']);
    checkLooks(await w.js<Look[]>('(window.__runLooks.stop(), window.__runLooks.looks)'), { stopped: false });
    await w.shot('runs-stop-resume');
    await w.expectClean();
  }, 420_000);

  it('run management: settings columns, sorting, rename, tags and their filter, notes, clone into the form, delete with its blobs', async () => {
    expect(cliRunId && formRunId, 'the two runs of the tests above').toBeTruthy();
    const { page, host } = w;
    await page.goto(`${w.server.url}#/runs`);
    const table = page.getByTestId('runs-table');
    await table.waitFor();
    const heads = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
    for (const h of ['Name', 'Status', 'Mode', 'Strategy', 'Scenes', 'Rounds', 'Steps', 'Batch', 'Seed', 'Model', 'Held-out', 'Elapsed', 'Created']) expect(heads, heads.join(' | ')).toContain(h);
    const order = (): Promise<string[]> => page.getByTestId('run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id') ?? ''));
    // Sorting by a setting: steps 2 (CLI) before 60 (form), then the other way round.
    await table.getByRole('button', { name: 'Steps', exact: true }).click();
    await expect.poll(order, POLL).toEqual([cliRunId, formRunId]);
    expect(await table.locator('th[aria-sort="ascending"]').textContent()).toContain('Steps');
    await table.getByRole('button', { name: 'Steps', exact: true }).click();
    await expect.poll(order, POLL).toEqual([formRunId, cliRunId]);

    // Rename, tag and annotate the form's run in its panel; what the host stores is what the page shows.
    await page.locator(`[data-testid="run-row"][data-run-id="${formRunId}"]`).click();
    const detail = page.getByTestId('run-detail');
    await detail.getByTestId('rename-run').click();
    await detail.getByTestId('run-name-input').fill('renamed run');
    await detail.getByTestId('run-name-input').press('Enter');
    await expect.poll(() => detail.locator('h2').textContent(), POLL).toBe('renamed run');
    for (const tag of ['ablation', 'seed-7']) {
      await detail.getByTestId('tag-input').fill(tag);
      await detail.getByTestId('tag-input').press('Enter');
    }
    await expect.poll(() => detail.getByTestId('run-tag').allTextContents(), POLL).toEqual([expect.stringContaining('ablation'), expect.stringContaining('seed-7')]);
    await detail.getByTestId('run-notes').fill('steps 60: does a longer round help?');
    await detail.getByTestId('save-notes').click();
    await expect.poll(async () => (await host.listRuns()).find((r) => r.id === formRunId), POLL).toMatchObject({ name: 'renamed run', tags: ['ablation', 'seed-7'], notes: 'steps 60: does a longer round help?' });
    // Stored, not kept by the page: a reload shows them again.
    await page.reload();
    await expect.poll(() => page.getByTestId('run-detail').getByTestId('run-notes').inputValue(), POLL).toBe('steps 60: does a longer round help?');

    // The tags filter keeps the runs carrying the tag.
    await page.getByTestId('tag-filter').getByRole('button', { name: 'ablation' }).click();
    await expect.poll(order, POLL).toEqual([formRunId]);
    await page.getByTestId('tag-filter').getByRole('button', { name: 'ablation' }).click();
    await expect.poll(async () => (await order()).length, POLL).toBe(2);

    // Clone: the start form takes the run's settings, under a new name.
    await page.getByTestId('run-detail').getByTestId('clone-run').click();
    await expect.poll(() => page.getByTestId('field-name').inputValue(), POLL).toBe('renamed run (copy)');
    for (const key of ['scenes', 'rounds', 'steps', 'batch', 'seed', 'benchmarkPerFamily']) expect(await page.getByTestId(`field-${key}`).inputValue(), key).toBe(FORM[key]);
    expect(await page.getByTestId('field-model').inputValue()).toBe('tiny');

    // Delete the CLI run: asked first, then gone with its checkpoints' blob files.
    const store = openStore({ workspaceDir: w.workspaceDir, readonly: true });
    const blobs = listCheckpoints(store, cliRunId).map((c) => join(w.workspaceDir, 'blobs', c.blobHash.slice(0, 2), c.blobHash));
    store.close();
    expect(blobs.length).toBeGreaterThan(0);
    expect(blobs.every((b) => existsSync(b)), blobs.join(', ')).toBe(true);
    await page.locator(`[data-testid="run-row"][data-run-id="${cliRunId}"]`).click();
    await page.getByTestId('run-detail').getByTestId('delete-run').click();
    const confirm = page.getByTestId('confirm-delete');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('from the cli');
    expect(await host.listRuns().then((l) => l.some((r) => r.id === cliRunId)), 'nothing deleted before the confirmation').toBe(true);
    await confirm.getByRole('button', { name: 'Delete run' }).click();
    await expect.poll(order, POLL).toEqual([formRunId]);
    expect((await host.listRuns()).map((r) => r.id)).toEqual([formRunId]);
    expect(blobs.filter((b) => existsSync(b)), 'checkpoint blobs left behind').toEqual([]);
    await w.until(`location.hash === '#/runs'`);
    await w.shot('runs-management');
    await w.expectClean();
  }, 180_000);
});
