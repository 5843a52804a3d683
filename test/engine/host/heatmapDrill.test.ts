/**
 * A heatmap cell's drill-down opens exactly the questions the cell counts (issue 14, item 5): for every table and
 * metric, the QA query the renderer builds from a cell (lib/heatmapDrill.ts) returns as many questions as the
 * cell says — its n, or for a bucket share the questions in that bucket — against a real host over a workspace
 * holding rejected questions and accepted ones the solver has not answered yet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkbenchHost, type WorkbenchHost } from '../../../src/engine/host/index.js';
import { getQa, insertQaBatch, openStore } from '../../../src/engine/store/index.js';
import { cellQuestionCount, drillFilter, drillHint } from '../../../src/renderer/src/lib/heatmapDrill.js';
import { toQuery } from '../../../src/renderer/src/lib/qaFilter.js';
import type { HeatmapKind, HeatmapMetric } from '../../../src/shared/api.js';
import { seedWorkspace, type SeededRun } from './fixtures.js';

let dir: string;
let seeded: SeededRun;
let host: WorkbenchHost;
let unanswered: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ouroboros-drill-'));
  seeded = await seedWorkspace(dir);
  // Accepted questions the solver has not answered yet: counted by "count", not by the answered metrics.
  const store = openStore({ workspaceDir: dir });
  try {
    const copies = seeded.accepted.slice(0, 5).map((id) => {
      const { id: _id, createdAt: _at, bucket: _b, confidence: _c, prediction: _p, trainedRound: _t, ...row } = getQa(store, id);
      return { ...row, seed: row.seed + 100_000 };
    });
    unanswered = insertQaBatch(store, copies).length;
  } finally {
    store.close();
  }
  host = createWorkbenchHost({ workspaceDir: dir, readonly: true, transport: 'http', appVersion: 'test', watchIntervalMs: 0 });
});

afterAll(async () => {
  await host?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const KINDS: HeatmapKind[] = ['family-round', 'scene-family', 'bin-round'];
const METRICS: HeatmapMetric[] = ['count', 'confidence', 'accuracy', 'easy', 'frontier', 'hard'];

describe('heatmap drill-down', () => {
  it('the workspace has what tells the filters apart: rejected and unanswered questions', async () => {
    expect(unanswered).toBe(5);
    const all = await host.queryQa({ runId: seeded.runId, limit: 1 });
    const accepted = await host.queryQa({ runId: seeded.runId, verdict: 'accepted', limit: 1 });
    expect(all.total).toBeGreaterThan(accepted.total);
  });

  for (const kind of KINDS) {
    for (const metric of METRICS) {
      it(`${kind} × ${metric}: each cell opens the questions it counts`, async () => {
        const families = kind === 'bin-round' ? [undefined, 'object_counting'] : [undefined];
        for (const family of families) {
          const data = await host.heatmap({ runId: seeded.runId, kind, metric, ...(family ? { family } : {}) });
          expect(data.cells.length).toBeGreaterThan(0);
          for (const cell of data.cells) {
            const filter = drillFilter(data.query, cell);
            const q = toQuery({ runId: data.query.runId, ...filter }, { key: 'id', descending: false }, 0, 1)!;
            const page = await host.queryQa(q);
            expect(page.total, `${kind} ${metric} ${family ?? ''} cell ${cell.row} × ${cell.col} (n = ${cell.n}, value ${cell.value})`).toBe(cellQuestionCount(data.query, cell));
          }
        }
      });
    }
  }

  it('counts the questions of a bucket share as the share times the answered questions', () => {
    const query = { runId: 'r', kind: 'family-round', metric: 'frontier' } as const;
    expect(cellQuestionCount(query, { row: 'object_counting', col: '0', value: 0.25, n: 8 })).toBe(2);
    expect(cellQuestionCount({ ...query, metric: 'count' }, { row: 'object_counting', col: '0', value: 8, n: 8 })).toBe(8);
    expect(cellQuestionCount(query, { row: 'object_counting', col: '0', value: null, n: 0 })).toBe(0);
    // The tooltip promises that number.
    expect(drillHint(query, { row: 'object_counting', col: '0', value: 0.25, n: 8 })).toBe('click to open its 2 frontier questions');
    expect(drillHint({ ...query, metric: 'count' }, { row: 'object_counting', col: '0', value: 1, n: 1 })).toBe('click to open its 1 accepted question');
    expect(drillHint({ ...query, metric: 'confidence' }, { row: 'object_counting', col: '0', value: 0.5, n: 656 })).toBe('click to open its 656 answered questions');
  });
});
