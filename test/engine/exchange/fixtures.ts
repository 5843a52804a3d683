/**
 * Real VSI-Bench scenes (ScanNet val metadata from ../shared) and questions about them written the way
 * VSI-Bench phrases them, with ground truth computed from the metadata through the program scene API.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { prepareScene } from '../../../src/engine/proposer/prepare.js';
import { Solver } from '../../../src/engine/solver/solver.js';
import { importVsiMetaInfo } from '../../../src/engine/sources/vsibench.js';
import type { Scene } from '../../../src/shared/scene.js';
import { requireSharedData, scannetMetaFile } from '../../helpers/shared.js';

export const SCENE_NAMES = ['scene0251_00', 'scene0277_02'] as const;

let scenes: Scene[] | undefined;

/**
 * Two ScanNet scenes imported with the product's importer. `loadScenes('vsibench:…')` has no subset option,
 * so this calls the importer it uses with `only`, which is the same path for the chosen scenes.
 */
export function vsiScenes(): Scene[] {
  requireSharedData();
  scenes ??= importVsiMetaInfo(scannetMetaFile, { only: [...SCENE_NAMES] }).scenes;
  return scenes;
}

export interface RawVsiRecord {
  id: number;
  dataset: string;
  scene_name: string;
  question_type: string;
  question: string;
  options: string[] | null;
  ground_truth: string;
}

/** Questions in VSI-Bench's phrasing and record shape; a route-planning one the solver has no family for. */
export function vsiQuestionRecords(): RawVsiRecord[] {
  const [big, small] = vsiScenes() as [Scene, Scene];
  const a = prepareScene(small).api;
  const u = (label: string) => a.unique(label);
  const closest = ['chair', 'window', 'radiator', 'door'];
  const distances = closest.map((l) => a.distance(u(l), u('bed')));
  const nearest = distances.indexOf(Math.min(...distances));
  const angle = a.floorAngle(u('bed'), u('door'), u('chair'));
  // A pair whose boxes do not touch: MRA cannot score a ground truth of 0.
  const pair = a.distance(u('bed'), u('door')) > 0.05 ? (['bed', 'door'] as const) : (['chair', 'door'] as const);
  const rec = (id: number, scene: Scene, question_type: string, question: string, options: string[] | null, ground_truth: string): RawVsiRecord => ({
    id,
    dataset: scene.dataset,
    scene_name: scene.provenance.sourceId,
    question_type,
    question,
    options,
    ground_truth,
  });
  const count = (s: Scene, label: string) => String(s.objects.filter((o) => o.label === label).length);
  const roomQ = 'What is the size of this room (in square meters)? If multiple rooms are shown, estimate the size of the combined space.';
  return [
    rec(101, big, 'object_counting', 'How many chair(s) are in this room?', null, count(big, 'chair')),
    rec(102, big, 'object_counting', 'How many trash bin(s) are in this room?', null, count(big, 'trash bin')),
    rec(103, big, 'room_size_estimation', roomQ, null, big.room.area.toFixed(1)),
    rec(201, small, 'object_counting', 'How many trash bin(s) are in this room?', null, count(small, 'trash bin')),
    rec(202, small, 'room_size_estimation', roomQ, null, small.room.area.toFixed(1)),
    rec(
      203,
      small,
      'object_size_estimation',
      'What is the length of the longest dimension (length, width, or height) of the bed, measured in centimeters?',
      null,
      String(Math.round(a.longestDimension(u('bed')) * 100)),
    ),
    rec(
      204,
      small,
      'object_abs_distance',
      `Measuring from the closest point of each object, what is the direct distance between the ${pair[0]} and the ${pair[1]} (in meters)?`,
      null,
      a.distance(u(pair[0]), u(pair[1])).toFixed(2),
    ),
    rec(
      205,
      small,
      'object_rel_distance',
      `Measuring from the closest point of each object, which of these objects (${closest.join(', ')}) is the closest to the bed?`,
      closest.map((l, i) => `${'ABCD'[i]}. ${l}`),
      'ABCD'[nearest]!,
    ),
    rec(
      206,
      small,
      'object_rel_direction_easy',
      'If I am standing by the bed and facing the door, is the chair to the left or the right of the door?',
      ['A. left', 'B. right'],
      angle > 0 ? 'A' : 'B',
    ),
    rec(
      207,
      small,
      'route_planning',
      "You are a robot beginning at the door facing the bed. You want to navigate to the chair. You will perform the following actions (Note: for each [please fill in], choose either 'turn back,' 'turn left,' or 'turn right.'): 1. Go forward until the bed 2. [please fill in] 3. Go forward until the chair. You have reached the final destination.",
      ['A. Turn Left', 'B. Turn Right', 'C. Turn Back'],
      'A',
    ),
  ];
}

export function writeJsonl(dir: string, name: string, records: readonly unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

/** A freshly initialised solver small enough to answer a few dozen questions in well under a second. */
export const TINY_SOLVER = {
  model: { dModel: 16, heads: 2, layers: 1, mlpHidden: 32, maxQuestionTokens: 48, maxDetections: 32 },
  inferenceBatch: 8,
};

export function useTinySolvers(): (seed?: number) => Promise<Solver> {
  const open: Solver[] = [];
  afterAll(async () => {
    for (const s of open.splice(0)) await s.dispose();
  });
  return async (seed = 0) => {
    const s = await Solver.create(TINY_SOLVER, seed, { threads: 1, log: () => undefined });
    open.push(s);
    return s;
  };
}
