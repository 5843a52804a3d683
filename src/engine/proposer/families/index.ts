/** The question families: VSI-Bench's eight (relative direction at three levels) and three extra ones. */
import type { Family } from '../../../shared/proposer.js';
import type { FamilySpec } from '../types.js';
import { cameraObjectDistance } from './cameraObjectDistance.js';
import { objAppearanceOrder } from './objAppearanceOrder.js';
import { objectAbsDistance } from './objectAbsDistance.js';
import { objectCounting } from './objectCounting.js';
import { objectHeightComparison } from './objectHeightComparison.js';
import { objectRelDirectionEasy, objectRelDirectionHard, objectRelDirectionMedium } from './objectRelDirection.js';
import { objectRelDistance } from './objectRelDistance.js';
import { objectRelSize } from './objectRelSize.js';
import { objectSizeEstimation } from './objectSizeEstimation.js';
import { roomSizeEstimation } from './roomSizeEstimation.js';
import { routePlanning } from './routePlanning.js';

export const FAMILY_SPECS: Record<Family, FamilySpec> = {
  object_counting: objectCounting,
  object_abs_distance: objectAbsDistance,
  object_size_estimation: objectSizeEstimation,
  room_size_estimation: roomSizeEstimation,
  object_rel_distance: objectRelDistance,
  object_rel_direction_easy: objectRelDirectionEasy,
  object_rel_direction_medium: objectRelDirectionMedium,
  object_rel_direction_hard: objectRelDirectionHard,
  obj_appearance_order: objAppearanceOrder,
  route_planning: routePlanning,
  object_height_comparison: objectHeightComparison,
  object_rel_size: objectRelSize,
  camera_object_distance: cameraObjectDistance,
};

export function familySpec(id: Family): FamilySpec {
  return FAMILY_SPECS[id];
}
