/**
 * The runs view rendered (server-side, as views.test.tsx does) against the fake API after store events (issue 14):
 * set-up shown as set-up, the rounds table's loss and samples seen read from the host, each round's status and
 * stage following events and the stored state through a stop, new rounds shown as they start, elapsed time and
 * ETA, the settings columns and tags, and the delete confirmation; VSI-Bench evaluation scenes marked (leakage guard).
 */
import { describe, expect, it } from 'vitest';
import { SceneView } from '../../../../src/renderer/src/views/scene/SceneView.js';
import { FakeApi, flush } from '../../fakeApi.js';
import { failOnConsoleErrors } from '../../../helpers/consoleGuard.js';
import { renderLive, startedStores } from '../../viewHarness.js';

failOnConsoleErrors();

const started = startedStores;
const render = renderLive;

/** Text of an HTML fragment, tags dropped and entities React writes decoded. */
function text(html: string): string {
  return html
    .replace(/<!-- -->/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Each rounds-table row as { round, status cell text, the row's other cell texts }. */
function roundRows(html: string): { round: string; status: string; cells: string[] }[] {
  return [...html.matchAll(/<tr [^>]*data-testid="round-row"[^>]*>(.*?)<\/tr>/g)].map((m) => {
    const cells = [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => text(c[1]!));
    return { round: cells[0]!, status: cells[1]!, cells };
  });
}

/** The cell under a header of the rounds table, per row. */
function column(html: string, title: string): string[] {
  const table = /<table [^>]*data-testid="rounds-table".*?<\/table>/.exec(html)?.[0] ?? '';
  const heads = [...table.matchAll(/<th[^>]*>(.*?)<\/th>/g)].map((h) => text(h[1]!));
  const i = heads.indexOf(title);
  expect(i, heads.join(' | ')).toBeGreaterThanOrEqual(0);
  return roundRows(html).map((r) => r.cells[i]!);
}

/** A fake run under way: round 0 done, round 1 stored as running with 'filter' its last committed stage. */
function runningApi(): FakeApi {
  const api = new FakeApi();
  api.addRun('live', 'live run', 'closed-loop', 1, 9000, 0);
  const r = api.runs.get('live')!;
  r.summary.status = 'running';
  r.detail.rounds.push({ runId: 'live', round: 1, status: 'running', stage: 'filter', startedAt: 9500, finishedAt: null, activeMs: 120, counts: { proposed: 50, accepted: 30, rejected: 20, easy: 0, frontier: 0, hard: 0 } });
  return api;
}

describe('the runs view', () => {
  it('shows set-up as set-up, not as round −1 (issue 14)', async () => {
    const api = runningApi();
    const { stores, stop } = await started(api);
    stores.app.getState().navigate({ view: 'runs', runId: 'live' });
    await flush(20);
    api.emit({ type: 'stage', runId: 'live', round: -1, stage: 'evaluate', phase: 'start', detail: 'preparing the held-out benchmark' });
    let html = render(stores);
    const strip = /<div class="live" data-testid="live-stages">.*?<\/div><\/div>/.exec(html)?.[0] ?? '';
    expect(text(strip)).toMatch(/^Set-up/);
    expect(text(strip)).toContain('preparing the held-out benchmark');
    expect(html).not.toMatch(/Round -1|round 0 of|[Rr]ound -1|it -1\b/);
    // The header's progress for the run says so too.
    expect(html).toContain('live run · set-up');
    // Set-up's stage is no round's stage: the rounds table is untouched by it.
    expect(roundRows(html).map((r) => r.status)).toEqual(['completed', 'running solve']);
    api.emit({ type: 'stage', runId: 'live', round: -1, stage: 'evaluate', phase: 'end', ms: 1500, detail: 'created benchmark b (33 questions)' });
    api.emit({ type: 'stage', runId: 'live', round: 1, stage: 'solve', phase: 'start' });
    html = render(stores);
    expect(text(/<div class="live" data-testid="live-stages">.*?<\/div><\/div>/.exec(html)?.[0] ?? '')).toMatch(/^Round 1 \(2 of 4\)/);
    stop();
  });

  it('reads each round’s loss and samples seen from the host, for a run it never saw live (issue 14)', async () => {
    const api = new FakeApi();
    const { stores, stop } = await started(api);
    stores.app.getState().navigate({ view: 'runs', runId: 'run-a' });
    await flush(20);
    const html = render(stores);
    const figures = api.runs.get('run-a')!.detail.roundFigures;
    expect(figures.map((f) => f.round)).toEqual([0, 1, 2]);
    expect(column(html, 'Samples seen')).toEqual(figures.map((f) => String(f.samplesSeen)));
    expect(column(html, 'Loss')).toEqual(figures.map((f) => f.meanLoss!.toFixed(3)));
    stop();
  });

  it('keeps each round’s status and stage with the events and the store, through a stop (issue 14)', async () => {
    const api = runningApi();
    const { stores, stop } = await started(api);
    stores.app.getState().navigate({ view: 'runs', runId: 'live' });
    await flush(20);
    // Loaded mid-round, before any event: the store says filter was the last stage committed, so solve is under way.
    expect(roundRows(render(stores)).map((r) => r.status)).toEqual(['completed', 'running solve']);
    const stages = (...list: [string, 'start' | 'end'][]): void => {
      for (const [stage, phase] of list) api.emit({ type: 'stage', runId: 'live', round: 1, stage: stage as 'solve', phase });
    };
    stages(['solve', 'start'], ['solve', 'end'], ['control', 'start']);
    expect(roundRows(render(stores))[1]!.status).toBe('running control');
    stages(['control', 'end']);
    // Between two stages the row names none, as the strip shows none running.
    expect(roundRows(render(stores))[1]!.status).toBe('running');
    stages(['train', 'start']);
    expect(roundRows(render(stores))[1]!.status).toBe('running train');

    // A new round gets its row as it starts; the one before it is done (rounds run in order), before any reload.
    api.emit({ type: 'stage', runId: 'live', round: 2, stage: 'propose', phase: 'start' });
    let rows = roundRows(render(stores));
    expect(rows.map((r) => [r.round, r.status])).toEqual([
      ['0', 'completed'],
      ['1', 'completed'],
      ['2', 'running propose'],
    ]);
    expect(rows[2]!.cells.slice(2, 5)).toEqual(['—', '—', '—']);

    // Stopped during round 2's proposals: the store sets the round back to pending (resumable), the run paused.
    const r = api.runs.get('live')!;
    r.detail.rounds[1] = { ...r.detail.rounds[1]!, status: 'completed', stage: 'evaluate', finishedAt: 9900, activeMs: 400 };
    r.detail.rounds.push({ runId: 'live', round: 2, status: 'pending', stage: null, startedAt: 9950, finishedAt: null, activeMs: null, counts: { proposed: 0, accepted: 0, rejected: 0, easy: 0, frontier: 0, hard: 0 } });
    r.summary.status = 'paused';
    api.emit({ type: 'run', runId: 'live', status: 'paused', message: 'cancelled before round 2 proposals; resume to continue' });
    // At once, before the detail is read again: no round is shown running in a paused run.
    rows = roundRows(render(stores));
    expect(rows.filter((x) => x.status.startsWith('running'))).toEqual([]);
    await flush(20);
    rows = roundRows(render(stores));
    expect(rows.map((x) => x.status)).toEqual(['completed', 'completed', 'paused']);
    // The live strip keeps no stage running either.
    expect(render(stores)).not.toContain('stage-running');
    stop();
  });

  it('shows elapsed time and an ETA from the finished rounds’ durations', async () => {
    const api = runningApi();
    const now = Date.now();
    const r = api.runs.get('live')!;
    r.summary.roundMs = [60_000];
    r.summary.roundStartedAt = now - 15_000;
    r.summary.config = { ...r.summary.config, rounds: 3 };
    const { stores, stop } = await started(api);
    stores.app.getState().navigate({ view: 'runs', runId: 'live' });
    await flush(20);
    const html = render(stores);
    // 1 min in round 0 + 15 s of round 1; rounds 1 and 2 left at 1 min each, 15 s of it done.
    const eta = text(/<[a-z]+ [^>]*data-testid="run-eta"[^>]*>.*?<\/[a-z]+>/.exec(html)?.[0] ?? '');
    expect(eta).toMatch(/^ETA 1 min 4\d s$/);
    const elapsed = text(/<[a-z]+ [^>]*data-testid="run-elapsed"[^>]*>.*?<\/[a-z]+>/.exec(html)?.[0] ?? '');
    expect(elapsed).toMatch(/^1 min 1\d s$/);
    stop();
  });

  it('lists the settings as columns with the tags, and asks before deleting a run', async () => {
    const api = new FakeApi();
    api.runs.get('run-a')!.summary.tags = ['baseline', 'v2'];
    const { stores, stop } = await started(api);
    stores.app.getState().navigate({ view: 'runs', runId: 'run-a' });
    await flush(20);
    let html = render(stores);
    const table = /<table [^>]*data-testid="runs-table".*?<\/table>/.exec(html)?.[0] ?? '';
    const heads = [...table.matchAll(/<th[^>]*>(.*?)<\/th>/g)].map((h) => text(h[1]!));
    expect(heads).toEqual(expect.arrayContaining(['Name', 'Status', 'Mode', 'Strategy', 'Scenes', 'Rounds', 'Steps', 'Batch', 'Seed', 'Model', 'Held-out', 'Elapsed', 'Created']));
    const row = /<tr [^>]*data-run-id="run-a".*?<\/tr>/.exec(table)?.[0] ?? '';
    expect(text(row)).toContain('baseline');
    expect(text(row)).toMatch(/reference .*synthetic:8 .*3 \/ 4 .*200 .*64 .*1 .*default/);
    expect(html).toContain('data-testid="tag-filter"');
    expect(html).not.toContain('data-testid="confirm-delete"');
    stores.runs.getState().askDelete('run-a');
    html = render(stores);
    const confirm = text(/<[a-z]+ [^>]*data-testid="confirm-delete".*?<\/div>/.exec(html)?.[0] ?? '');
    expect(confirm).toContain('Delete run "closed loop"');
    expect(api.callsOf('deleteRun')).toEqual([]);
    stop();
  });

  it('marks VSI-Bench evaluation scenes: a warning and a count on a run that trains on them, a chip in the scene list', async () => {
    const api = new FakeApi({ evalScenes: ['synthetic:s1', 'synthetic:s3'] });
    const { stores, stop } = await started(api);
    stores.app.getState().navigate({ view: 'runs', runId: 'run-a' });
    await flush(20);
    let html = render(stores);
    // s3 is held out: evaluating on an eval scene is no leak, so only s1 counts.
    expect(text(/<div class="banner banner-warn"[^>]*data-testid="eval-scenes-warning"[^>]*>.*?<\/div>/.exec(html)?.[0] ?? '')).toBe(
      'Leakage. this run trains on 1 VSI-Bench evaluation scene (synthetic:s1): a model trained on its data and then scored on VSI-Bench has seen the test rooms. Exports for training refuse these scenes unless allowed (README, "Leakage guard").',
    );
    expect(text(/<span [^>]*data-testid="run-eval-scenes"[^>]*>.*?<\/span>/.exec(html)?.[0] ?? '')).toBe('1 VSI-Bench eval scene in training');
    stores.app.getState().navigate({ view: 'scene', sceneId: 'synthetic:s2' });
    await flush(20);
    html = render(stores, <SceneView />);
    const list = /<ul class="scene-list" data-testid="scene-list">.*?<\/ul>/.exec(html)?.[0] ?? '';
    const marked = [...list.matchAll(/<li>(.*?)<\/li>/g)].filter((m) => m[1]!.includes('data-testid="eval-scene"')).map((m) => text(m[1]!));
    expect(marked).toEqual(['synthetic:s1 VSI-Bench eval', 'synthetic:s3 VSI-Bench eval']);
    stop();
  });

  it('shows no leakage warning for a run on other scenes', async () => {
    const { stores, stop } = await started(new FakeApi());
    stores.app.getState().navigate({ view: 'runs', runId: 'run-a' });
    await flush(20);
    const html = render(stores);
    expect(html).toContain('data-testid="rounds-table"');
    expect(html).not.toContain('eval-scenes-warning');
    expect(html).not.toContain('run-eval-scenes');
    stop();
  });

  it('shows the solver and the blind model on the full and the debiased benchmark, with the gap per family', async () => {
    const { stores, stop } = await started(new FakeApi());
    stores.app.getState().navigate({ view: 'runs', runId: 'run-a' });
    await flush(20);
    const html = render(stores);
    const table = /<table [^>]*data-testid="gap-table".*?<\/table>/.exec(html)?.[0] ?? '';
    const rows = [...table.matchAll(/<tr data-testid="gap-row">(.*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td>(.*?)<\/td>/g)].map((c) => text(c[1]!)));
    // fakeDebias: run-a's round 2 scores 55.0 overall and 40.0 on counting, 5 points less debiased; the blind model 30.0 / 10.0.
    expect(rows).toEqual([
      ['object_counting', '20 / 15', '40.0', '30.0', '+10.0', '35.0', '10.0', '+25.0'],
      ['overall', '20 / 15', '55.0', '30.0', '+25.0', '50.0', '10.0', '+40.0'],
    ]);
    expect(text(/<summary>Vision − blind.*?<\/summary>/.exec(html)?.[0] ?? '')).toBe('Vision − blind: round 2, full (20 questions) and debiased (15)');
    stop();
  });
});
