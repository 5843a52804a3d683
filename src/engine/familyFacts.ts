/**
 * What layers other than the proposer need to know about a question family. The solver must not import the
 * proposer (families hold the ground-truth programs), yet it reads the families' questions, so each family
 * declares such facts here, once; its FamilySpec carries the same object as `facts`, and
 * test/engine/familyFacts.test.ts checks every fact against what the family generates.
 */
import type { Family } from '../shared/proposer.js';

export interface FamilyFacts {
  /**
   * Which letter an option has carries no meaning, so options may be shown in any order (the solver's
   * `permuteOptions`): options that name objects (the model reads them through their slots), and route
   * planning's turn sequences, drawn afresh for every question. Direction options
   * ("left", "back-right") name no object: the model knows them by their letter's fixed meaning, and
   * shuffling them took relative direction from 78% to 49% (learnability), so those families keep their order.
   */
  permutableOptions: boolean;
}

export const FAMILY_FACTS: Readonly<Record<Family, FamilyFacts>> = {
  object_counting: { permutableOptions: false },
  object_abs_distance: { permutableOptions: false },
  object_size_estimation: { permutableOptions: false },
  room_size_estimation: { permutableOptions: false },
  object_rel_distance: { permutableOptions: true },
  object_rel_direction_easy: { permutableOptions: false },
  object_rel_direction_medium: { permutableOptions: false },
  object_rel_direction_hard: { permutableOptions: false },
  obj_appearance_order: { permutableOptions: true },
  route_planning: { permutableOptions: true },
  object_height_comparison: { permutableOptions: true },
  object_rel_size: { permutableOptions: true },
  camera_object_distance: { permutableOptions: false },
};
