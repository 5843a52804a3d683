import { describe, expect, it, vi } from 'vitest';
import { createRunsStore } from '../../../src/renderer/src/state/runsStore.js';
import { DEFAULT_CONFIG, FakeApi, flush } from '../fakeApi.js';

function setup(api = new FakeApi()) {
  const reportError = vi.fn();
  const runs = createRunsStore(api, { reportError, now: () => 42 });
  return { api, runs, reportError };
}

describe('runs store', () => {
  it('lists runs newest first', async () => {
    const { runs } = setup();
    await runs.getState().refresh();
    expect(runs.getState().runs!.map((r) => r.id)).toEqual(['run-b', 'run-a']);
  });

  it('is empty, not failing, when there are no runs', async () => {
    const { runs, reportError } = setup(new FakeApi({ empty: true }));
    await runs.getState().refresh();
    expect(runs.getState().runs).toEqual([]);
    expect(reportError).not.toHaveBeenCalled();
  });

  it('selects a run and loads its detail', async () => {
    const { runs, api } = setup();
    await runs.getState().select('run-a');
    expect(runs.getState().detail?.rounds).toHaveLength(3);
    await runs.getState().select('run-a');
    expect(api.callsOf('getRun')).toHaveLength(1);
  });

  it('starts a run and selects it', async () => {
    const { runs, api } = setup();
    const id = await runs.getState().start({ ...DEFAULT_CONFIG, name: 'mine' });
    expect(id).toBe('run-new-1');
    expect(api.callsOf('startRun')[0]![0]).toMatchObject({ name: 'mine' });
    expect(runs.getState().selectedId).toBe('run-new-1');
    expect(runs.getState().runs!.some((r) => r.id === 'run-new-1')).toBe(true);
    expect(runs.getState().starting).toBe(false);
  });

  it('reports a rejected start with the host message', async () => {
    const { runs, api, reportError } = setup();
    api.failNext('startRun', 'startRun(config).scenes: expected a list of 1 to 1000 scene sources');
    expect(await runs.getState().start({})).toBeNull();
    expect(reportError).toHaveBeenCalledWith('Starting a run', expect.objectContaining({ message: expect.stringContaining('scene sources') }));
    expect(runs.getState().starting).toBe(false);
  });

  it('stops and resumes runs, refreshing their status', async () => {
    const { runs, api } = setup();
    await runs.getState().refresh();
    await runs.getState().stop('run-a');
    expect(runs.getState().runs!.find((r) => r.id === 'run-a')!.status).toBe('paused');
    await runs.getState().resume('run-a');
    expect(runs.getState().runs!.find((r) => r.id === 'run-a')!.status).toBe('running');
    expect(runs.getState().pending).toEqual({});
    api.failNext('stopRun', 'no such run');
    await runs.getState().stop('run-a');
    expect(runs.getState().pending).toEqual({});
  });

  it('tracks live stage progress from events', async () => {
    const { runs } = setup();
    await runs.getState().refresh();
    const h = runs.getState().handleEvent;
    h({ type: 'run', runId: 'run-a', status: 'running' });
    expect(runs.getState().runs!.find((r) => r.id === 'run-a')!.status).toBe('running');
    h({ type: 'stage', runId: 'run-a', round: 3, stage: 'propose', phase: 'start' });
    h({ type: 'progress', runId: 'run-a', round: 3, stage: 'propose', done: 50, total: 200, unit: 'QA', perSecond: 1000 });
    let live = runs.getState().live['run-a']!;
    expect(live.round).toBe(3);
    expect(live.stage).toBe('propose');
    expect(live.stages.propose).toEqual({ state: 'running' });
    expect(live.progress).toEqual({ stage: 'propose', done: 50, total: 200, unit: 'QA', perSecond: 1000 });
    h({ type: 'stage', runId: 'run-a', round: 3, stage: 'propose', phase: 'end', ms: 120 });
    h({ type: 'stage', runId: 'run-a', round: 3, stage: 'filter', phase: 'start' });
    live = runs.getState().live['run-a']!;
    expect(live.stages.propose).toEqual({ state: 'done', ms: 120 });
    expect(live.progress).toBeNull();
    // A new round starts with a clean stage strip.
    h({ type: 'stage', runId: 'run-a', round: 4, stage: 'propose', phase: 'start' });
    expect(Object.keys(runs.getState().live['run-a']!.stages)).toEqual(['propose']);
    h({ type: 'log', runId: 'run-a', level: 'warn', message: 'CUDA not found, using CPU' });
    expect(runs.getState().live['run-a']!.logs.at(-1)).toEqual({ level: 'warn', message: 'CUDA not found, using CPU', at: 42 });
  });

  it('updates the list and the selected run when a round finishes', async () => {
    const { runs, api } = setup();
    await runs.getState().refresh();
    await runs.getState().select('run-a');
    const before = api.callsOf('getRun').length;
    runs.getState().handleEvent({
      type: 'round',
      runId: 'run-a',
      summary: {
        round: 3,
        counts: { proposed: 1, accepted: 1, rejected: 0, easy: 0, frontier: 1, hard: 0 },
        trainedSamples: 1,
        samplesSeen: 10,
        meanLoss: 1,
        heldout: { overall: 0.77, families: [] },
        ms: 5,
      },
    });
    const r = runs.getState().runs!.find((x) => x.id === 'run-a')!;
    expect(r.roundsDone).toBe(4);
    expect(r.heldoutScore).toBe(0.77);
    expect(runs.getState().live['run-a']!.summaries).toHaveLength(1);
    await flush();
    expect(api.callsOf('getRun').length).toBe(before + 1);
  });

  it('refreshes the list once when events name a run it does not know', async () => {
    const { runs, api } = setup();
    await runs.getState().refresh();
    runs.getState().handleEvent({ type: 'run', runId: 'elsewhere', status: 'running' });
    runs.getState().handleEvent({ type: 'run', runId: 'elsewhere', status: 'running' });
    await flush();
    expect(api.callsOf('listRuns')).toHaveLength(2);
  });

  it('keeps up to two runs for comparison with their details', async () => {
    const { runs, api } = setup();
    await runs.getState().toggleCompare('run-a');
    await runs.getState().toggleCompare('run-b');
    expect(runs.getState().compareIds).toEqual(['run-a', 'run-b']);
    expect(Object.keys(runs.getState().compareDetails).sort()).toEqual(['run-a', 'run-b']);
    await runs.getState().toggleCompare('run-a');
    expect(runs.getState().compareIds).toEqual(['run-b']);
    expect(runs.getState().compareReplaced).toBeNull();
    // A third tick keeps the latest two and names the one it let go of (issue 14: not silently).
    api.addRun('run-c', 'third', 'static', 1, 3000, 0);
    await runs.getState().toggleCompare('run-a');
    await runs.getState().toggleCompare('run-c');
    expect(runs.getState().compareIds).toEqual(['run-a', 'run-c']);
    expect(runs.getState().compareReplaced).toBe('run-b');
    await runs.getState().toggleCompare('run-c');
    expect(runs.getState().compareReplaced).toBeNull();
    api.failNext('getRun', 'gone');
    await runs.getState().toggleCompare('run-x');
    expect(runs.getState().compareIds).toEqual(['run-a']);
  });

  it('renames, retags and annotates a run through the host, in the list and the open detail (issue 14)', async () => {
    const { runs, api, reportError } = setup();
    await runs.getState().refresh();
    await runs.getState().select('run-a');
    expect(await runs.getState().update('run-a', { name: 'renamed', tags: ['b', 'a', 'a'] })).toBe(true);
    expect(api.callsOf('updateRun')).toEqual([['run-a', { name: 'renamed', tags: ['b', 'a', 'a'] }]]);
    const listed = runs.getState().runs!.find((r) => r.id === 'run-a')!;
    expect([listed.name, listed.tags]).toEqual(['renamed', ['a', 'b']]);
    expect(runs.getState().detail!.run).toMatchObject({ name: 'renamed', tags: ['a', 'b'] });
    await runs.getState().update('run-a', { notes: 'why' });
    expect(runs.getState().runs!.find((r) => r.id === 'run-a')!.notes).toBe('why');
    api.failNext('updateRun', 'updateRun(patch).name: expected a name of 1 to 200 characters, not only spaces, found " "');
    expect(await runs.getState().update('run-a', { name: ' ' })).toBe(false);
    expect(reportError).toHaveBeenCalledWith('Changing run run-a', expect.objectContaining({ message: expect.stringContaining('updateRun(patch).name') }));
    expect(runs.getState().runs!.find((r) => r.id === 'run-a')!.name).toBe('renamed');
    expect(runs.getState().pending).toEqual({});
  });

  it('clones a run into a draft for the start form, under a new name', async () => {
    const { runs, api } = setup();
    await runs.getState().refresh();
    await runs.getState().clone('run-b');
    const draft = runs.getState().draft!;
    expect(draft).toMatchObject({ fromRunId: 'run-b', config: { mode: 'no-feedback', name: 'no feedback (copy)', steps: 200 } });
    expect(api.callsOf('getRunConfig')).toEqual([['run-b']]);
    await runs.getState().clone('run-b');
    expect(runs.getState().draft!.seq).toBeGreaterThan(draft.seq);
    runs.getState().clearDraft();
    expect(runs.getState().draft).toBeNull();
  });

  it('deletes a run only when asked to, then lets go of it everywhere (issue 14)', async () => {
    const deleted: string[] = [];
    const api = new FakeApi();
    const reportError = vi.fn();
    const runs = createRunsStore(api, { reportError, onDeleted: (id) => deleted.push(id) });
    await runs.getState().refresh();
    await runs.getState().select('run-a');
    await runs.getState().toggleCompare('run-a');
    runs.getState().handleEvent({ type: 'log', runId: 'run-a', level: 'info', message: 'x' });
    runs.getState().askDelete('run-a');
    expect(runs.getState().confirmDeleteId).toBe('run-a');
    expect(api.callsOf('deleteRun')).toEqual([]);
    expect(await runs.getState().remove('run-a')).toBe(true);
    const s = runs.getState();
    expect(s.runs!.map((r) => r.id)).toEqual(['run-b']);
    expect([s.selectedId, s.detail, s.confirmDeleteId, s.compareIds, s.live['run-a']]).toEqual([null, null, null, [], undefined]);
    expect(deleted).toEqual(['run-a']);
    // The host's refusal is reported, and the run stays.
    api.runs.get('run-b')!.summary.status = 'running';
    expect(await runs.getState().remove('run-b')).toBe(false);
    expect(reportError).toHaveBeenCalledWith('Deleting run run-b', expect.objectContaining({ message: expect.stringContaining('stop it before deleting it') }));
    expect(runs.getState().runs!.map((r) => r.id)).toEqual(['run-b']);
    expect(deleted).toEqual(['run-a']);
  });

  it('sorts and filters the list by column and tags', () => {
    const { runs } = setup();
    expect(runs.getState().sort).toEqual({ key: 'created', descending: true });
    runs.getState().setSort('steps');
    expect(runs.getState().sort).toEqual({ key: 'steps', descending: false });
    runs.getState().setSort('steps');
    expect(runs.getState().sort).toEqual({ key: 'steps', descending: true });
    runs.getState().toggleTagFilter('a');
    runs.getState().toggleTagFilter('b');
    runs.getState().toggleTagFilter('a');
    expect(runs.getState().tagFilter).toEqual(['b']);
  });

  it('reads the selected run again as each stage ends, and leaves no stage running once it stopped (issue 14)', async () => {
    const { runs, api } = setup();
    await runs.getState().refresh();
    await runs.getState().select('run-a');
    const h = runs.getState().handleEvent;
    const before = api.callsOf('getRun').length;
    h({ type: 'run', runId: 'run-a', status: 'running' });
    h({ type: 'stage', runId: 'run-a', round: -1, stage: 'evaluate', phase: 'start' });
    h({ type: 'stage', runId: 'run-a', round: -1, stage: 'evaluate', phase: 'end', ms: 5 });
    h({ type: 'stage', runId: 'run-a', round: 3, stage: 'solve', phase: 'start' });
    await flush();
    expect(api.callsOf('getRun').length, 'set-up and stage starts commit nothing to show').toBe(before);
    expect(runs.getState().runs!.find((r) => r.id === 'run-a')!.roundStartedAt).toBe(42);
    h({ type: 'stage', runId: 'run-a', round: 3, stage: 'solve', phase: 'end', ms: 5 });
    h({ type: 'stage', runId: 'run-a', round: 3, stage: 'control', phase: 'start' });
    await flush();
    expect(api.callsOf('getRun').length).toBe(before + 1);
    h({ type: 'run', runId: 'run-a', status: 'paused', message: 'cancelled; resume to continue' });
    expect(runs.getState().live['run-a']!.stages).toEqual({ solve: { state: 'done', ms: 5 } });
    expect(runs.getState().runs!.find((r) => r.id === 'run-a')!.roundStartedAt).toBeNull();
    // A finished round adds its duration, for the ETA.
    h({ type: 'run', runId: 'run-a', status: 'running' });
    h({ type: 'round', runId: 'run-a', summary: { round: 3, counts: { proposed: 1, accepted: 1, rejected: 0, easy: 0, frontier: 1, hard: 0 }, trainedSamples: 1, samplesSeen: 10, meanLoss: 1, heldout: null, ms: 77 } });
    expect(runs.getState().runs!.find((r) => r.id === 'run-a')!.roundMs).toEqual([80, 80, 80, 77]);
  });

  it('keeps the start form’s edits in the store, so switching views loses none (issue 14, item 10)', () => {
    const { runs } = setup();
    expect(runs.getState().startFormEdits).toBeNull();
    runs.getState().setStartFormEdits({ name: 'my ablation', scenes: 'synthetic:12' });
    // A view change unmounts the form; the store (one per app) keeps what it held.
    expect(runs.getState().startFormEdits).toEqual({ name: 'my ablation', scenes: 'synthetic:12' });
    runs.getState().setStartFormEdits(null);
    expect(runs.getState().startFormEdits).toBeNull();
  });
});
