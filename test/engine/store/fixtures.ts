/** Small valid records for the store tests. */
import { afterEach } from 'vitest';
import type { NewQa, NewRun } from '../../../src/shared/records.js';
import type { Scene, SceneObject } from '../../../src/shared/scene.js';
import { IDENTITY3, IDENTITY4 } from '../../../src/shared/scene.js';
import { createRng } from '../../../src/shared/random.js';
import { createRound, createRun, openStore, saveScene, type Store } from '../../../src/engine/store/index.js';
import { useTmpDirs } from '../../helpers/tmp.js';

export interface SceneOptions {
  points?: number;
  labels?: string[];
  withSegments?: boolean;
  frames?: number;
  seed?: number;
}

export function makeScene(id: string, options: SceneOptions = {}): Scene {
  const rng = createRng(options.seed ?? 7);
  const labels = options.labels ?? ['chair', 'table', 'chair'];
  const objects: SceneObject[] = labels.map((label, i) => ({
    id: i + 1,
    label,
    rawLabel: label.toUpperCase(),
    box: { center: [i, 1.5, 0.4], extents: [0.5, 0.6, 0.8], rotation: IDENTITY3 },
  }));
  const scene: Scene = {
    id,
    dataset: 'synthetic',
    objects,
    room: { area: 20.25, center: [2, 2, 1.3], bounds: { min: [0, 0, 0], max: [4.5, 4.5, 2.6] }, floorZ: 0, height: 2.6 },
    provenance: {
      source: 'synthetic',
      sourceId: id.split(':')[1] ?? id,
      files: [],
      conversion: { upAxis: '+z', units: 'm', transform: IDENTITY4, notes: [] },
      synthesised: ['pointCloud'],
      seeds: { layout: 42 },
      warnings: [],
    },
  };
  const n = options.points ?? 0;
  if (n > 0) {
    const positions = new Float32Array(3 * n);
    const colors = new Uint8Array(3 * n);
    const objectIds = new Int32Array(n);
    for (let i = 0; i < 3 * n; i++) {
      positions[i] = rng.range(-5, 5);
      colors[i] = rng.int(256);
    }
    for (let i = 0; i < n; i++) objectIds[i] = i % 4 === 0 ? -1 : 1 + (i % objects.length);
    scene.points = { positions, colors, objectIds };
    if (options.withSegments ?? true) {
      for (const o of objects) {
        const idx: number[] = [];
        for (let i = 0; i < n; i++) if (objectIds[i] === o.id) idx.push(i);
        o.pointIndices = Uint32Array.from(idx);
      }
    }
  }
  if (options.frames) {
    scene.trajectory = Array.from({ length: options.frames }, (_, i) => ({
      index: i,
      timestamp: i / 10,
      pose: IDENTITY4,
      intrinsics: { fx: 500, fy: 500, cx: 320, cy: 240 },
      width: 640,
      height: 480,
    }));
  }
  return scene;
}

export function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    name: 'test run',
    mode: 'closed-loop',
    config: { rounds: 3, proposalsPerRound: 100, thresholds: { easy: 0.9, hard: 0.1 } },
    seeds: { root: 1234, proposer: 99 },
    codeVersion: '0.1.0+test',
    provider: 'mock',
    ...overrides,
  };
}

export function makeQa(runId: string, round: number, sceneId: string, i: number, overrides: Partial<NewQa> = {}): NewQa {
  const family = i % 2 === 0 ? 'object_counting' : 'object_rel_distance';
  const choice = family === 'object_rel_distance';
  return {
    runId,
    round,
    sceneId,
    proposalId: `${sceneId}/${family}/${i}`,
    proposer: 'programmatic',
    family,
    difficulty: { distractors: 3, margin: 0.25, note: 'x' },
    bin: i % 3,
    question: `Question ${i}: how many chairs are in the room?`,
    options: choice ? ['A. chair', 'B. table', 'C. sofa', 'D. lamp'] : null,
    answerType: choice ? 'choice' : 'number',
    answer: choice ? 'A' : 2,
    program: 'return scene.objects.filter((o) => o.label === "chair").length;',
    programResult: choice ? 'chair' : 2,
    verdict: i % 5 === 4 ? 'rejected' : 'accepted',
    rejectedBy: i % 5 === 4 ? 'ambiguity' : null,
    reason: i % 5 === 4 ? 'margin below 0.1 m' : null,
    filterVerdicts: [
      { filter: 'executes', passed: true },
      { filter: 'ambiguity', passed: i % 5 !== 4, value: 0.05 },
    ],
    named: [{ label: 'chair', role: 'every' }],
    args: null,
    frame: null,
    seed: 1000 + i,
    ...overrides,
  };
}

/** A fresh workspace per test; stores opened through it are closed afterwards. */
export function useWorkspaces(): { dir: () => string; open: (dir: string, readonly?: boolean) => Store } {
  const tmp = useTmpDirs();
  const opened: Store[] = [];
  // Registered after useTmpDirs' hook, so (hooks run in reverse) stores close before their folders go.
  afterEachClose(opened);
  return {
    dir: tmp,
    open: (dir, readonly = false) => {
      const s = openStore({ workspaceDir: dir, readonly });
      opened.push(s);
      return s;
    },
  };
}

function afterEachClose(stores: Store[]): void {
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
  });
}

/** A store with one run, rounds 0..n-1 and one scene `synthetic:a`. */
export function seededStore(store: Store, rounds = 2): { runId: string; sceneId: string } {
  saveScene(store, makeScene('synthetic:a'));
  const run = createRun(store, newRun());
  for (let i = 0; i < rounds; i++) createRound(store, { runId: run.id, index: i, status: 'running', stage: 'propose' });
  return { runId: run.id, sceneId: 'synthetic:a' };
}
