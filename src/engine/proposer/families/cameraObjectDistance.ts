import { FAMILY_FACTS } from '../../familyFacts.js';
import type { FamilySpec } from '../types.js';
import { binByUpperBounds, drawForBin, namedLabel, uniqueVisibleLabels } from './common.js';

const DISTANCE_BINS = [1.5, 3];

const PROGRAM = 'return scene.round(scene.cameraDistance(scene.unique(args.object), args.frame), 2);';

export const cameraObjectDistance: FamilySpec = {
  id: 'camera_object_distance',
  answerType: 'number',
  facts: FAMILY_FACTS.camera_object_distance,
  definition: "Distance in metres from the camera centre at the given frame to the closest point of the object's oriented box, rounded to 0.01 m; the object must be visible in that frame.",
  knobs: { distance: 'metres (bins: < 1.5, 1.5–3, ≥ 3)', frame: 'frame index (0-based; the question says it 1-based)' },
  bins: 3,
  draft({ api, rng, bin }) {
    if (api.frameCount() === 0) return { skip: 'the scene has no trajectory' };
    const labels = uniqueVisibleLabels(api);
    if (labels.length === 0) return { skip: 'no uniquely named, visible object' };
    const { label, frame, d } = drawForBin(
      bin,
      () => {
        const label = rng.pick(labels);
        const frame = rng.pick(api.visibleFrames(api.unique(label)));
        return { label, frame, d: api.cameraDistance(api.unique(label), frame) };
      },
      (drawn) => binByUpperBounds(drawn.d, DISTANCE_BINS),
    );
    return {
      family: 'camera_object_distance',
      answerType: 'number',
      difficulty: { distance: Math.round(d * 100) / 100, frame },
      bin: binByUpperBounds(d, DISTANCE_BINS),
      question: `In frame ${frame + 1} of ${api.frameCount()} of the video, how far is the camera from the closest point of the ${label} (in meters)?`,
      program: PROGRAM,
      args: { object: label, frame },
      named: [{ label, role: 'unique' }],
      frame,
    };
  },
  reference(draft) {
    if (draft.frame === undefined) throw new Error('the question names no frame');
    return { program: PROGRAM, args: { object: namedLabel(draft, 0), frame: draft.frame } };
  },
  margins: (api, draft) => ({ distance: api.cameraDistance(api.unique(draft.named[0]!.label), draft.frame ?? 0) }),
  minMargins: { distance: 0.3 },
};
