import { FAMILY_FACTS } from '../../familyFacts.js';
import type { FamilySpec } from '../types.js';
import { binByUpperBounds } from './common.js';

const AREA_BINS = [15, 30];

const PROGRAM = 'return scene.round(scene.roomArea(), 1);';

export const roomSizeEstimation: FamilySpec = {
  id: 'room_size_estimation',
  answerType: 'number',
  facts: FAMILY_FACTS.room_size_estimation,
  definition: "The room's floor area in m² as recorded by the source (polygon area for synthetic rooms), rounded to 0.1 m².",
  knobs: { area: 'floor area in m² (bins: < 15, 15–30, ≥ 30)' },
  bins: 3,
  maxPerScene: 1,
  draft({ api }) {
    const area = api.roomArea();
    return {
      family: 'room_size_estimation',
      answerType: 'number',
      difficulty: { area: Math.round(area * 10) / 10 },
      bin: binByUpperBounds(area, AREA_BINS),
      question: 'What is the size of this room (in square meters)? If multiple rooms are shown, estimate the size of the combined space.',
      program: PROGRAM,
      args: {},
      named: [],
    };
  },
  reference: () => ({ program: PROGRAM, args: {} }),
  margins: () => ({}),
  minMargins: {},
};
