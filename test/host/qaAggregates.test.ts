/**
 * What the QA table and the scene view read in one call each, against the real host over a real store: every QA
 * row's latest prediction (issue 13: no getQa per row) and per-object confidence over a scene's answered questions
 * (no getQa per question). Expected values are computed here by hand from the stored rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkbenchHost, type WorkbenchHost } from '../../src/engine/host/index.js';
import {
  assignRunScenes,
  createRound,
  createRun,
  getQa,
  insertQaBatch,
  insertSolverOutputs,
  listSolverOutputs,
  openStore,
  queryQa,
  type Store,
} from '../../src/engine/store/index.js';
import type { ObjectConfidence } from '../../src/shared/api.js';
import { bucketOf } from '../../src/shared/proposer.js';
import type { NewQa, NewSolverOutput, QaRecord } from '../../src/shared/records.js';
import type { Scene } from '../../src/shared/scene.js';
import { seedWorkspace, type SeededRun } from './fixtures.js';

let dir: string;
let seeded: SeededRun;
let second: string;
let host: WorkbenchHost;

const answer = (qaId: number, round: number, prediction: string, confidence: number): NewSolverOutput => ({
  qaId,
  round,
  checkpointId: null,
  prediction,
  confidence,
  bucket: bucketOf(confidence),
  answerTokenProbs: [confidence],
});

/** The same questions asked again in a second run, answered with other confidences: what the run filter must separate. */
function addSecondRun(store: Store, from: readonly QaRecord[]): string {
  const run = createRun(store, { name: 'second', mode: 'no-feedback', config: {}, seeds: { seed: 2 }, codeVersion: 'test', provider: 'mock' });
  assignRunScenes(store, run.id, seeded.scenes.map((s) => ({ sceneId: s.id, split: 'train' as const })));
  createRound(store, { runId: run.id, index: 0, status: 'completed', stage: 'evaluate', startedAt: 1 });
  const rows: NewQa[] = from.map(({ id: _id, createdAt: _c, bucket: _b, confidence: _f, prediction: _p, trainedRound: _t, ...q }) => ({ ...q, runId: run.id, round: 0 }));
  const ids = insertQaBatch(store, rows);
  insertSolverOutputs(store, ids.map((id, i) => answer(id, 0, `second-${i}`, [0.15, 0.55, 0.85][i % 3]!)));
  return run.id;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ouroboros-host-agg-'));
  seeded = await seedWorkspace(dir);
  const store = openStore({ workspaceDir: dir });
  try {
    // Round 1 answers some questions again (round-0 ones and, newer within the round, round-1 ones); for other
    // round-1 questions a round-0 answer arrives late, after the round-1 one.
    const accepted = seeded.accepted.map((id) => getQa(store, id));
    const again = accepted.filter((_, i) => i % 3 === 0);
    insertSolverOutputs(store, again.map((q, i) => answer(q.id, 1, `again-${q.id}`, [0.02, 0.4, 0.97][i % 3]!)));
    const late = accepted.filter((q, i) => i % 3 === 1 && q.round === 1);
    expect(late.length).toBeGreaterThan(0);
    insertSolverOutputs(store, late.map((q) => answer(q.id, 0, `stale-${q.id}`, 0.33)));
    second = addSecondRun(store, accepted.slice(0, 12));
  } finally {
    store.close();
  }
  host = createWorkbenchHost({ workspaceDir: dir, readonly: true, transport: 'http', watchIntervalMs: 0 });
});

afterAll(async () => {
  await host?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Rows of the run as stored, read straight from the store (not through the host). */
function storedRows(runId: string): QaRecord[] {
  const store = openStore({ workspaceDir: dir, readonly: true });
  try {
    return queryQa(store, { runId, limit: -1 });
  } finally {
    store.close();
  }
}

describe('the QA list', () => {
  it("carries each row's latest prediction: the highest round's answer, the newest of that round", async () => {
    const store = openStore({ workspaceDir: dir, readonly: true });
    const outputs = listSolverOutputs(store, { runId: seeded.runId });
    store.close();
    const page = await host.queryQa({ runId: seeded.runId, limit: 10_000 });
    expect(page.rows).toHaveLength(seeded.qaIds.length);
    let answeredTwice = 0;
    for (const row of page.rows) {
      const mine = outputs.filter((o) => o.qaId === row.id);
      if (mine.length > 1) answeredTwice++;
      const latest = mine.reduce<(typeof mine)[number] | null>((best, o) => (!best || o.round > best.round || (o.round === best.round && o.id > best.id) ? o : best), null);
      expect([row.id, row.prediction, row.confidence, row.bucket]).toEqual([row.id, latest?.prediction ?? null, latest?.confidence ?? null, latest?.bucket ?? null]);
    }
    expect(answeredTwice).toBeGreaterThan(4);
    // The re-answered rows show the later round's answer, the late-arriving older answers show nowhere.
    expect(page.rows.some((r) => r.prediction?.startsWith('again-'))).toBe(true);
    expect(page.rows.some((r) => r.prediction?.startsWith('stale-'))).toBe(false);
    expect(page.rows.filter((r) => r.confidence === null).every((r) => r.prediction === null)).toBe(true);
  });

  it('pages, filters and sorts with the prediction in every row', async () => {
    const byConfidence = await host.queryQa({ runId: seeded.runId, sort: 'confidence', descending: true, verdict: 'accepted', limit: 5, offset: 2 });
    const all = storedRows(seeded.runId)
      .filter((r) => r.verdict === 'accepted')
      .sort((a, b) => (b.confidence ?? -1) - (a.confidence ?? -1) || b.id - a.id);
    expect(byConfidence.rows.map((r) => [r.id, r.prediction])).toEqual(all.slice(2, 7).map((r) => [r.id, r.prediction]));
    expect(byConfidence.total).toBe(all.length);
  });
});

/** Labels a question names (its named objects and its program's label arguments), as the detail view reads them. */
function labelsOf(q: QaRecord): Set<string> {
  const args = Object.values(q.args ?? {}).flatMap((v) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v : []));
  return new Set([...q.named.map((n) => n.label), ...args]);
}

/** Per-object mean confidence and count, and the number of questions naming any object, by hand. */
function byHand(scene: Scene, rows: readonly QaRecord[]): { objects: ObjectConfidence[]; questions: number } {
  const sums = new Map<number, number[]>();
  let questions = 0;
  for (const q of rows) {
    if (q.sceneId !== scene.id || q.confidence === null) continue;
    const labels = labelsOf(q);
    const named = scene.objects.filter((o) => labels.has(o.label));
    if (named.length > 0) questions++;
    for (const o of named) sums.set(o.id, [...(sums.get(o.id) ?? []), q.confidence]);
  }
  const objects = [...sums].sort(([a], [b]) => a - b).map(([objectId, cs]) => ({ objectId, mean: cs.reduce((a, b) => a + b, 0) / cs.length, n: cs.length }));
  return { objects, questions };
}

function expectAggregate(actual: { objects: ObjectConfidence[]; questions: number }, expected: { objects: ObjectConfidence[]; questions: number }): void {
  expect(actual.questions).toBe(expected.questions);
  expect(actual.objects.map((o) => [o.objectId, o.n])).toEqual(expected.objects.map((o) => [o.objectId, o.n]));
  actual.objects.forEach((o, i) => expect(o.mean).toBeCloseTo(expected.objects[i]!.mean, 12));
}

describe('per-object confidence of a scene', () => {
  it("equals the hand-computed mean of the latest confidences of each object's answered questions, per run", async () => {
    const first = storedRows(seeded.runId);
    for (const scene of seeded.scenes) {
      const result = await host.sceneObjectConfidence(scene.id, seeded.runId);
      expect(result.sceneId).toBe(scene.id);
      expect(result.runId).toBe(seeded.runId);
      const expected = byHand(scene, first);
      expect(expected.objects.length).toBeGreaterThan(0);
      expect(expected.objects.some((o) => o.n > 1)).toBe(true);
      expectAggregate(result, expected);
    }
  });

  it("agrees with the objects getQa names for each question (the detail view's own rule)", async () => {
    const scene = seeded.scenes[0]!;
    const rows = (await host.queryQa({ runId: seeded.runId, sceneId: scene.id, limit: 10_000 })).rows.filter((r) => r.confidence !== null);
    const sums = new Map<number, number[]>();
    let questions = 0;
    for (const r of rows) {
      const ids = (await host.getQa(r.id)).objectIds;
      if (ids.length > 0) questions++;
      for (const id of new Set(ids)) sums.set(id, [...(sums.get(id) ?? []), r.confidence!]);
    }
    const expected = [...sums].sort(([a], [b]) => a - b).map(([objectId, cs]) => ({ objectId, mean: cs.reduce((a, b) => a + b, 0) / cs.length, n: cs.length }));
    expectAggregate(await host.sceneObjectConfidence(scene.id, seeded.runId), { objects: expected, questions });
  });

  it("keeps runs apart, and without a run takes every run's questions", async () => {
    const scene = seeded.scenes[0]!;
    const first = storedRows(seeded.runId);
    const other = storedRows(second);
    expect(other.some((q) => q.sceneId === scene.id && q.confidence !== null)).toBe(true);
    expectAggregate(await host.sceneObjectConfidence(scene.id, second), byHand(scene, other));
    const all = await host.sceneObjectConfidence(scene.id);
    expect(all.runId).toBeNull();
    expectAggregate(all, byHand(scene, [...first, ...other]));
    expect(all.questions).toBe(byHand(scene, first).questions + byHand(scene, other).questions);
  });

  it('refuses unknown scenes and runs by name', async () => {
    await expect(host.sceneObjectConfidence('synthetic:nope', seeded.runId)).rejects.toThrow(/no scene "synthetic:nope"/);
    await expect(host.sceneObjectConfidence(seeded.scenes[0]!.id, 'nope')).rejects.toThrow(/no run "nope"/);
  });
});
