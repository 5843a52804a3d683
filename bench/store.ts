/**
 * Run store throughput: QA inserts as the proposer writes them (batches of realistic rows), the page query the
 * QA browser and controller run, and saving/loading a scene with a million-point cloud (blob write + fsync +
 * hash, then read + verify + decode).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  countQa,
  createRound,
  createRun,
  insertQaBatch,
  insertSolverOutputs,
  loadScene,
  openStore,
  queryQa,
  saveScene,
} from '../src/engine/store/index.js';
import { FAMILIES } from '../src/shared/proposer.js';
import { createRng, type Rng } from '../src/shared/random.js';
import type { NewQa } from '../src/shared/records.js';
import type { Scene, SceneObject } from '../src/shared/scene.js';
import { IDENTITY3, IDENTITY4 } from '../src/shared/scene.js';
import type { BenchModule, BenchRow } from './harness.js';
import { timeIt } from './harness.js';

const LABELS = ['chair', 'table', 'sofa', 'bed', 'lamp', 'tv', 'refrigerator', 'bookshelf', 'plant', 'monitor'];

function qaRow(rng: Rng, runId: string, sceneId: string, i: number): NewQa {
  const family = FAMILIES[i % FAMILIES.length]!;
  const a = rng.pick(LABELS);
  const b = rng.pick(LABELS);
  const choice = i % 2 === 1;
  const accepted = rng.chance(0.8);
  return {
    runId,
    round: 0,
    sceneId,
    proposalId: `${sceneId}/${family}/${i}`,
    proposer: 'programmatic',
    family,
    difficulty: { distractors: rng.int(4), margin: Number(rng.range(0.05, 1).toFixed(3)), minVisibleFrames: rng.int(10), relation: 'closest' },
    bin: rng.int(4),
    question: `Measuring from the closest point of each object, which of these objects (${a}, ${b}, lamp, sofa) is the closest to the ${a}?`,
    options: choice ? [`A. ${a}`, `B. ${b}`, 'C. lamp', 'D. sofa'] : null,
    answerType: choice ? 'choice' : 'number',
    answer: choice ? 'B' : Number(rng.range(0.5, 6).toFixed(2)),
    program: [
      `const anchor = scene.unique(${JSON.stringify(a)});`,
      `const candidates = [${JSON.stringify(b)}, "lamp", "sofa"].map((l) => scene.unique(l));`,
      'const d = candidates.map((c) => scene.boxDistance(anchor, c));',
      'const best = d.indexOf(Math.min(...d));',
      'if (d.filter((x) => Math.abs(x - d[best]) < 0.15).length > 1) return scene.ambiguous("tie within 15 cm");',
      'return candidates[best].label;',
    ].join('\n'),
    programResult: choice ? b : 2.41,
    verdict: accepted ? 'accepted' : 'rejected',
    rejectedBy: accepted ? null : 'ambiguity',
    reason: accepted ? null : 'two candidates within 0.15 m',
    filterVerdicts: [
      { filter: 'executes', passed: true },
      { filter: 'visibility', passed: true, value: 12 },
      { filter: 'ambiguity', passed: accepted, value: Number(rng.range(0, 0.5).toFixed(3)) },
    ],
    named: [{ label: a, role: 'unique' }],
    args: null,
    frame: null,
    seed: rng.int(0xffffffff),
  };
}

function bigScene(id: string, points: number, rng: Rng): Scene {
  const objects: SceneObject[] = Array.from({ length: 40 }, (_, i) => ({
    id: i + 1,
    label: LABELS[i % LABELS.length]!,
    rawLabel: LABELS[i % LABELS.length]!,
    box: { center: [rng.range(0, 8), rng.range(0, 8), 0.5], extents: [0.6, 0.6, 1], rotation: IDENTITY3 },
  }));
  const positions = new Float32Array(3 * points);
  const colors = new Uint8Array(3 * points);
  const objectIds = new Int32Array(points);
  for (let i = 0; i < positions.length; i++) positions[i] = rng.range(0, 8);
  for (let i = 0; i < colors.length; i++) colors[i] = rng.int(256);
  const members: number[][] = objects.map(() => []);
  for (let i = 0; i < points; i++) {
    const o = i % 3 === 0 ? -1 : rng.int(objects.length);
    objectIds[i] = o < 0 ? -1 : o + 1;
    if (o >= 0) members[o]!.push(i);
  }
  objects.forEach((o, k) => (o.pointIndices = Uint32Array.from(members[k]!)));
  return {
    id,
    dataset: 'synthetic',
    objects,
    room: { area: 64, center: [4, 4, 1.5] },
    points: { positions, colors, objectIds },
    provenance: {
      source: 'synthetic',
      sourceId: id,
      files: [],
      conversion: { upAxis: '+z', units: 'm', transform: IDENTITY4, notes: [] },
      synthesised: ['pointCloud'],
      seeds: { bench: 1 },
      warnings: [],
    },
  };
}

export const storeBench: BenchModule = {
  title: 'Run store (SQLite + content-addressed blobs)',
  async run(ctx) {
    const out: BenchRow[] = [];
    const store = openStore({ workspaceDir: join(ctx.tmpDir, 'workspace') });
    try {
      const rng = createRng(2024);
      const total = ctx.quick ? 10_000 : 100_000;
      const batchSize = 10_000;
      saveScene(store, bigScene('synthetic:qa', 0, rng));
      const run = createRun(store, { name: 'bench', mode: 'closed-loop', config: {}, seeds: { root: 1 }, codeVersion: 'bench', provider: 'mock' });
      createRound(store, { runId: run.id, index: 0, status: 'running', stage: 'propose' });

      ctx.log(`inserting ${total} QA rows`);
      let insertMs = 0;
      let chars = 0;
      const ids: number[] = [];
      for (let start = 0; start < total; start += batchSize) {
        const rows = Array.from({ length: Math.min(batchSize, total - start) }, (_, k) => qaRow(rng, run.id, 'synthetic:qa', start + k));
        chars += rows.reduce((n, r) => n + r.question.length + r.program.length + JSON.stringify(r.difficulty).length, 0);
        const t0 = performance.now();
        ids.push(...insertQaBatch(store, rows));
        insertMs += performance.now() - t0;
      }
      out.push({ name: `QA insert, ${total} rows (batches of ${batchSize}, one txn each)`, value: total / (insertMs / 1000), unit: 'rows/s', note: `~${Math.round(chars / total)} chars of text per row` });

      const answers = ids.filter((_, i) => i % 2 === 0);
      const t0 = performance.now();
      insertSolverOutputs(
        store,
        answers.map((qaId) => {
          const confidence = rng.next();
          return { qaId, round: 0, checkpointId: null, prediction: 'B', confidence, bucket: confidence > 0.9 ? 'easy' : confidence < 0.1 ? 'hard' : 'frontier', answerTokenProbs: [confidence] };
        }),
      );
      out.push({ name: `solver output insert, ${answers.length} rows (updates each QA's bucket)`, value: answers.length / ((performance.now() - t0) / 1000), unit: 'rows/s' });

      const filter = { runId: run.id, round: 0, family: 'object_rel_distance', bucket: 'frontier' as const };
      out.push({ name: 'QA page query (run, round, family, bucket; 100 rows)', value: await timeIt(() => queryQa(store, { ...filter, limit: 100, offset: 200 }), 5), unit: 'ms' });
      out.push({ name: 'QA count (run, round, family, bucket)', value: await timeIt(() => countQa(store, filter), 5), unit: 'ms' });
      store.db.pragma('wal_checkpoint(TRUNCATE)');
      out.push({ name: 'database size per QA row (with indexes)', value: statSync(store.dbPath).size / total, unit: 'bytes' });

      const n = ctx.quick ? 100_000 : 1_000_000;
      ctx.log(`building a ${n}-point scene`);
      const scene = bigScene('synthetic:big', n, rng);
      // Each save changes one coordinate so the blob is new every time (an unchanged one is deduplicated).
      const saveMs = await timeIt(
        () => {
          scene.points!.positions[0] = scene.points!.positions[0]! + 1e-3;
          saveScene(store, scene);
        },
        3,
        false,
      );
      const loadMs = await timeIt(() => loadScene(store, scene.id), 3);
      const hash = store.db.prepare('SELECT points_blob FROM scenes WHERE id = ?').pluck().get(scene.id) as string;
      out.push({ name: `scene save, ${n / 1e6}M points + 40 objects' indices`, value: saveMs, unit: 'ms', note: 'encode, SHA-256, write, fsync, rename, row' });
      out.push({ name: `scene load, ${n / 1e6}M points`, value: loadMs, unit: 'ms', note: 'read, verify SHA-256, decode' });
      out.push({ name: `point cloud blob, ${n / 1e6}M points`, value: statSync(store.blobs.pathOf(hash)).size / 2 ** 20, unit: 'MiB' });
    } finally {
      store.close();
    }
    return out;
  },
};
