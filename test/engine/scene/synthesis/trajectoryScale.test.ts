/**
 * Objects per scene: the walkthrough's gaze used to compare every pair of objects on every frame (frames × N²:
 * 4k objects 20–40 s, 20k about 9 min); the VSI-Bench importer now also refuses scenes past a stated bound.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/shared/errors.js';
import { planTrajectory } from '../../../../src/engine/scene/synthesis/trajectory.js';
import { MAX_VSI_OBJECTS_PER_SCENE, importVsiMetaInfo } from '../../../../src/engine/sources/vsibench.js';
import { useTmpDirs } from '../../../helpers/tmp.js';
import { randomBoxes } from './randomBoxes.js';

function metaScene(boxes: number): unknown {
  const box = (i: number): unknown => {
    const c = [(i % 100) * 0.1, Math.floor(i / 100) * 0.1, 0.2];
    return { centroid: c, axesLengths: [0.05, 0.05, 0.4], normalizedAxes: [1, 0, 0, 0, 1, 0, 0, 0, 1], min: [c[0]! - 0.025, c[1]! - 0.025, 0], max: [c[0]! + 0.025, c[1]! + 0.025, 0.4] };
  };
  const half = Math.floor(boxes / 2);
  return {
    dataset: 'scannet',
    room_size: 400,
    room_center: [5, 5, 1.4],
    object_bbox: { chair: Array.from({ length: half }, (_, i) => box(i)), table: Array.from({ length: boxes - half }, (_, i) => box(half + i)) },
  };
}

describe('objects per scene', () => {
  const tmp = useTmpDirs();

  it('a walkthrough of 10k objects takes seconds, not the minutes of the pairwise gaze', () => {
    const layout = randomBoxes(10_000, 5);
    const t0 = performance.now();
    const plan = planTrajectory(layout, { seed: 1 });
    const seconds = (performance.now() - t0) / 1000;
    expect(plan.frames).toHaveLength(32);
    // About 0.3 s where this was written; the pairwise gaze took about 2 min.
    expect(seconds).toBeLessThan(20);
  }, 60_000);

  it(`the VSI-Bench importer takes ${MAX_VSI_OBJECTS_PER_SCENE} boxes in a scene and refuses one more, naming the bound and the field`, () => {
    const file = join(tmp(), 'meta.json');
    writeFileSync(file, JSON.stringify({ full: metaScene(MAX_VSI_OBJECTS_PER_SCENE), over: metaScene(MAX_VSI_OBJECTS_PER_SCENE + 1) }));
    let error: unknown;
    try {
      importVsiMetaInfo(file, { upAxis: '+z', synthesizePoints: false, synthesizeTrajectory: false });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const problems = (error as InputError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, field: 'over.object_bbox' });
    expect(problems[0]!.message).toContain(`at most ${MAX_VSI_OBJECTS_PER_SCENE} boxes per scene (MAX_VSI_OBJECTS_PER_SCENE`);
    expect(problems[0]!.message).toContain(`found ${MAX_VSI_OBJECTS_PER_SCENE + 1}`);

    const ok = importVsiMetaInfo(file, { only: ['full'], upAxis: '+z', synthesizePoints: false, synthesizeTrajectory: false });
    expect(ok.scenes[0]!.objects).toHaveLength(MAX_VSI_OBJECTS_PER_SCENE);
  }, 60_000);
});
