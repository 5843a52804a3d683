import { describe, expect, it, vi } from 'vitest';
import { EXPORT_PAGE_SIZE, QA_PAGE_SIZE, createQaStore, rowAt } from '../../src/renderer/src/state/qaStore.js';
import { latestOutput } from '../../src/renderer/src/lib/qaFilter.js';
import { QA_CSV_COLUMNS } from '../../src/renderer/src/lib/qaExport.js';
import { FakeApi, flush } from './fakeApi.js';

function setup(api = new FakeApi()) {
  const reportError = vi.fn();
  const qa = createQaStore(api, { reportError });
  return { api, qa, reportError };
}

describe('QA store', () => {
  it('does nothing without a run', async () => {
    const { qa, api } = setup();
    await qa.getState().reload();
    expect(qa.getState().total).toBeNull();
    expect(api.calls).toHaveLength(0);
  });

  it('loads the first page and the total when a run is chosen', async () => {
    const { qa, api } = setup();
    qa.getState().setFilter({ runId: 'run-a' });
    await flush();
    expect(qa.getState().total).toBe(240);
    expect(qa.getState().pages[0]).toHaveLength(QA_PAGE_SIZE);
    expect(api.callsOf('queryQa')[0]![0]).toEqual({ runId: 'run-a', sort: 'id', descending: false, offset: 0, limit: QA_PAGE_SIZE });
  });

  it('fetches only the pages a window of rows needs, once', async () => {
    const { qa, api } = setup();
    qa.getState().setFilter({ runId: 'run-a' });
    await flush();
    await Promise.all([qa.getState().ensureRows(95, 130), qa.getState().ensureRows(120, 140)]);
    const offsets = api.callsOf('queryQa').map((c) => (c[0] as { offset: number }).offset);
    expect(offsets).toEqual([0, 100]);
    expect(rowAt(qa.getState(), 150)!.id).toBe(151);
    await qa.getState().ensureRows(230, 500);
    expect(rowAt(qa.getState(), 239)!.id).toBe(240);
    expect(rowAt(qa.getState(), 240)).toBeUndefined();
  });

  it('applies filters, resets rows and drops responses to older filters', async () => {
    const { qa, api } = setup();
    qa.getState().setFilter({ runId: 'run-a' });
    qa.getState().setFilter({ family: 'object_counting', bucket: 'hard' });
    await flush();
    const q = api.callsOf('queryQa').at(-1)![0];
    expect(q).toMatchObject({ runId: 'run-a', family: 'object_counting', bucket: 'hard' });
    expect(qa.getState().total).toBe(api.filterQa({ runId: 'run-a', family: 'object_counting', bucket: 'hard' }).length);
    expect(qa.getState().pages[0]!.every((r) => r.family === 'object_counting' && r.bucket === 'hard')).toBe(true);
    // The same filter again does not refetch; clearing a field with undefined or '' does.
    const n = api.callsOf('queryQa').length;
    qa.getState().setFilter({ family: 'object_counting' });
    expect(api.callsOf('queryQa').length).toBe(n);
    qa.getState().setFilter({ bucket: undefined, search: '' });
    await flush();
    expect(qa.getState().filter).toEqual({ runId: 'run-a', family: 'object_counting' });
  });

  it('replaces the whole filter for a drill-down, keeping the run', async () => {
    const { qa } = setup();
    qa.getState().setFilter({ runId: 'run-a', search: 'chair' });
    qa.getState().setFilter({ round: 1, family: 'object_rel_size' }, true);
    expect(qa.getState().filter).toEqual({ runId: 'run-a', round: 1, family: 'object_rel_size' });
    await flush();
  });

  it('sorts, toggling direction on the same column', async () => {
    const { qa } = setup();
    qa.getState().setFilter({ runId: 'run-a' });
    qa.getState().setSort('confidence');
    expect(qa.getState().sort).toEqual({ key: 'confidence', descending: true });
    await flush();
    const confs = qa.getState().pages[0]!.map((r) => r.confidence ?? -1);
    expect(confs).toEqual([...confs].sort((a, b) => b - a));
    qa.getState().setSort('confidence');
    expect(qa.getState().sort.descending).toBe(false);
    qa.getState().setSort('family');
    expect(qa.getState().sort).toEqual({ key: 'family', descending: false });
    await flush();
  });

  it('groups by family with counts that add up to the total', async () => {
    const { qa, api } = setup();
    qa.getState().setFilter({ runId: 'run-a', verdict: 'accepted' });
    qa.getState().setGrouping(true);
    await flush();
    const counts = qa.getState().groupCounts!;
    expect(counts.reduce((a, [, n]) => a + n, 0)).toBe(qa.getState().total);
    expect(qa.getState().groupMismatch).toBe(false);
    expect(counts.map(([f]) => f)).toEqual([...counts.map(([f]) => f)].sort());
    expect(api.callsOf('queryQa').at(-1)![0]).toMatchObject({ verdict: 'accepted', limit: 1 });
    // Grouping sorts by family so each family's rows are contiguous.
    expect(qa.getState().pages[0]!.map((r) => r.family)).toEqual([...qa.getState().pages[0]!.map((r) => r.family)].sort());
    qa.getState().toggleGroup(counts[0]![0]);
    expect(qa.getState().collapsed[counts[0]![0]]).toBe(true);
  });

  it('flags family counts that miss rows of unknown families', async () => {
    const api = new FakeApi();
    api.qa.find((r) => r.runId === 'run-a')!.family = 'future_family';
    const { qa } = setup(api);
    qa.getState().setFilter({ runId: 'run-a' });
    qa.getState().setGrouping(true);
    await flush();
    expect(qa.getState().groupMismatch).toBe(true);
  });

  it('loads the selected QA with its outputs, re-runs its program', async () => {
    const { qa, api } = setup();
    qa.getState().setFilter({ runId: 'run-a' });
    await qa.getState().select(1);
    expect(qa.getState().detail?.qa.id).toBe(1);
    expect(qa.getState().detail?.objectIds).toEqual([1, 2]);
    await qa.getState().rerun();
    expect(qa.getState().rerunResult).toEqual({ ok: true, value: api.qa[0]!.programResult, matchesStored: true, ms: 1.5 });
    await qa.getState().select(null);
    expect(qa.getState().detail).toBeNull();
  });

  it('reports a failed detail or re-run with the host message', async () => {
    const { qa, api, reportError } = setup();
    await qa.getState().select(99999);
    expect(reportError).toHaveBeenCalledWith('Loading QA 99999', expect.objectContaining({ message: 'getQa(qaId): no QA 99999' }));
    await qa.getState().select(2);
    api.failNext('rerunProgram', 'sandbox timed out after 1000 ms');
    await qa.getState().rerun();
    expect(reportError).toHaveBeenLastCalledWith('Re-running the program of QA 2', expect.objectContaining({ message: 'sandbox timed out after 1000 ms' }));
    expect(qa.getState().rerunning).toBe(false);
  });

  it('shows each row with its latest prediction from the page itself, without a request per row', async () => {
    const { qa, api } = setup();
    qa.getState().setFilter({ runId: 'run-a' });
    await flush();
    await qa.getState().ensureRows(0, 240);
    const rows = Array.from({ length: 240 }, (_, i) => rowAt(qa.getState(), i)!);
    expect(rows.filter((r) => r.prediction !== null).length).toBeGreaterThan(100);
    for (const r of rows) expect(r.prediction).toBe(latestOutput(api.outputs.filter((o) => o.qaId === r.id))?.prediction ?? null);
    expect(api.callsOf('getQa')).toHaveLength(0);
  });

  it('exports the whole filtered set as CSV, paging through queryQa', async () => {
    const api = new FakeApi({ qaPerRun: 1200 });
    const { qa } = setup(api);
    qa.getState().setFilter({ runId: 'run-a', verdict: 'accepted' });
    await flush();
    const expected = api.filterQa({ runId: 'run-a', verdict: 'accepted' });
    const file = await qa.getState().exportAll('csv');
    expect(file!.rows).toBe(expected.length);
    expect(file!.filename).toBe('qa-run-a-accepted.csv');
    const lines = file!.content.split('\r\n');
    expect(lines[0]).toBe(QA_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(expected.length + 2); // header + rows + trailing ''
    const exportCalls = api.callsOf('queryQa').filter((c) => (c[0] as { limit: number }).limit === EXPORT_PAGE_SIZE);
    expect(exportCalls.length).toBe(Math.ceil(expected.length / EXPORT_PAGE_SIZE));
    expect(qa.getState().exporting).toBeNull();
  });

  it("exports JSONL with each row's latest prediction, without a request per row", async () => {
    const { qa, api } = setup();
    qa.getState().setFilter({ runId: 'run-b', family: 'object_counting' });
    await flush();
    const file = await qa.getState().exportAll('jsonl');
    const records = file!.content.trim().split('\n').map((l) => JSON.parse(l) as { id: number; confidence: number | null; prediction: string | null });
    expect(records.length).toBe(qa.getState().total);
    expect(records.some((r) => r.confidence !== null)).toBe(true);
    for (const r of records) expect(r.prediction).toBe(r.confidence === null ? null : `pred-${r.id}`);
    expect(api.callsOf('getQa')).toHaveLength(0);
    expect(file!.mime).toMatch(/ndjson/);
  });

  it('cancels an export and reports a failing one', async () => {
    const api = new FakeApi({ qaPerRun: 1200 });
    const { qa, reportError } = setup(api);
    qa.getState().setFilter({ runId: 'run-a' });
    await flush();
    const p = qa.getState().exportAll('csv');
    qa.getState().cancelExport();
    expect(await p).toBeNull();
    api.failNext('queryQa', 'database is locked');
    expect(await qa.getState().exportAll('csv')).toBeNull();
    expect(reportError).toHaveBeenCalledWith('Exporting QA as CSV', expect.objectContaining({ message: 'database is locked' }));
    expect(qa.getState().exporting).toBeNull();
  });

  it('clears the selection when the run changes', async () => {
    const { qa } = setup();
    qa.getState().setFilter({ runId: 'run-a' });
    await qa.getState().select(3);
    qa.getState().setFilter({ runId: 'run-b' });
    expect(qa.getState().selectedId).toBeNull();
    await flush();
    expect(qa.getState().total).toBe(240);
  });
});
