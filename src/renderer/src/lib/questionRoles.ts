/**
 * Which objects a question is about, and in what role, read from its typed facts: the program's arguments when the
 * family's template has them, else the named objects in the order the family's `reference()` reads them
 * (src/engine/proposer/families/*). One entry per family, so the scene can mark the reference (what is measured
 * from, or stood by and faced) apart from the candidates (the options, the queried object, the measured or counted
 * ones), and knows what the family's program measures: the closest-point distance of two boxes, the camera's
 * distance to a box, or a floor-plane direction.
 */
import type { Family, ProgramArgs } from '../../../shared/proposer.js';
import { FAMILIES } from '../../../shared/proposer.js';
import type { QaRecord } from '../../../shared/records.js';

export type QuestionRole = 'reference' | 'candidate';

/**
 * What the family's program measures, so the scene can draw it. `between`: closest points of the two candidates'
 * boxes (`scene.distance`); `from-reference`: closest points of the reference's box and each candidate's;
 * `camera`: the camera centre at the question's frame to the closest point of the candidate's box
 * (`scene.cameraDistance`); `direction`: standing at the first reference's centre facing the second's, the
 * floor-plane direction to the candidate's centre (`scene.floorAngle`); `none`: nothing between objects.
 */
export type QuestionMeasure = 'between' | 'from-reference' | 'camera' | 'direction' | 'none';

export interface QuestionRoles {
  family: Family;
  /** Labels of the reference objects, in the program's order (direction: standing by, then facing). */
  reference: string[];
  /** Labels of the candidates, in the program's order (the options' order where the family has options). */
  candidate: string[];
  measure: QuestionMeasure;
  /** Where the labels were read: the program's arguments, or the named objects (a self-contained program has no arguments). */
  source: 'args' | 'named';
}

export type QuestionRolesResult = { ok: true; roles: QuestionRoles } | { ok: false; error: string };

type Facts = Pick<QaRecord, 'id' | 'family' | 'named' | 'args'>;

/** One family's reading: argument keys per role (a string or a string list), and the same from the named order. */
interface FamilyRoles {
  measure: QuestionMeasure;
  /** Program argument keys holding the reference label(s), then the candidates'. */
  args: { reference: readonly string[]; candidate: readonly string[] };
  /** The same roles from `named` (labels in the proposer's order): how many lead as references; the rest are candidates. */
  namedReferences: number;
  /** How many named objects the family needs at least (the rest of the candidates are optional). */
  minNamed: number;
}

const candidatesOnly = (keys: readonly string[], minNamed: number, measure: QuestionMeasure = 'none'): FamilyRoles => ({
  measure,
  args: { reference: [], candidate: keys },
  namedReferences: 0,
  minNamed,
});

const DIRECTION: FamilyRoles = { measure: 'direction', args: { reference: ['standingBy', 'facing'], candidate: ['query'] }, namedReferences: 2, minNamed: 3 };

/** Per family, as its FamilySpec's `draft` writes args and `reference` reads named. */
export const FAMILY_ROLES: Readonly<Record<Family, FamilyRoles>> = {
  object_counting: candidatesOnly(['category'], 1),
  object_abs_distance: candidatesOnly(['a', 'b'], 2, 'between'),
  object_size_estimation: candidatesOnly(['object'], 1),
  room_size_estimation: candidatesOnly([], 0),
  object_rel_distance: { measure: 'from-reference', args: { reference: ['reference'], candidate: ['candidates'] }, namedReferences: 1, minNamed: 3 },
  object_rel_direction_easy: DIRECTION,
  object_rel_direction_medium: DIRECTION,
  object_rel_direction_hard: DIRECTION,
  obj_appearance_order: candidatesOnly(['categories'], 2),
  object_height_comparison: candidatesOnly(['candidates'], 2),
  object_rel_size: candidatesOnly(['candidates'], 2),
  camera_object_distance: candidatesOnly(['object'], 1, 'camera'),
  // Start at the first named, facing the second; the goal and the corners' landmarks follow. The program's arguments
  // name only start, facing and goal, so the named order (which has the landmarks too) is the one read.
  route_planning: { measure: 'none', args: { reference: [], candidate: [] }, namedReferences: 2, minNamed: 3 },
};

const isFamily = (f: string): f is Family => (FAMILIES as readonly string[]).includes(f);

/** The labels under the keys, or undefined when any key is missing or not a label (or a list of labels). */
function fromArgs(args: ProgramArgs, keys: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (const k of keys) {
    const v = args[k];
    if (typeof v === 'string' && v !== '') out.push(v);
    else if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== '')) out.push(...v);
    else return undefined;
  }
  return out;
}

/**
 * The question's roles. The program's arguments win when they hold every key the family's template reads (they are
 * what the ground truth was computed from); otherwise the named objects in the family's order. An unknown family or
 * facts that fit neither reading give an error naming the question, the family and what was expected.
 */
export function questionRoles(qa: Facts): QuestionRolesResult {
  if (!isFamily(qa.family)) return { ok: false, error: `QA ${qa.id}: family '${qa.family}' is not one this build knows, so its objects have no roles` };
  const spec = FAMILY_ROLES[qa.family];
  const base = { family: qa.family, measure: spec.measure };
  if (qa.args && spec.args.reference.length + spec.args.candidate.length > 0) {
    const reference = fromArgs(qa.args, spec.args.reference);
    const candidate = fromArgs(qa.args, spec.args.candidate);
    if (reference && candidate) return { ok: true, roles: { ...base, reference, candidate, source: 'args' } };
  }
  const labels = qa.named.map((n) => n.label);
  if (labels.length < spec.minNamed) {
    const keys = [...spec.args.reference, ...spec.args.candidate].map((k) => `args.${k}`).join(', ');
    return {
      ok: false,
      error: `QA ${qa.id} (${qa.family}): expected ${keys || 'no arguments'} or at least ${spec.minNamed} named object(s), found ${labels.length} named${qa.args ? ` and args {${Object.keys(qa.args).join(', ')}}` : ' and no args'}`,
    };
  }
  return { ok: true, roles: { ...base, reference: labels.slice(0, spec.namedReferences), candidate: labels.slice(spec.namedReferences), source: 'named' } };
}

/**
 * Role per object id of the scene: every object whose label a role names (a counted or first-appearing category
 * names all its instances). A label in both roles is a reference. `missing`: labels no object of this scene
 * version carries (a re-import renamed or dropped it).
 */
export function objectRoles(roles: QuestionRoles, objects: readonly { id: number; label: string }[]): { byId: Map<number, QuestionRole>; missing: string[] } {
  const byId = new Map<number, QuestionRole>();
  const missing: string[] = [];
  const assign = (labels: readonly string[], role: QuestionRole): void => {
    for (const label of labels) {
      let found = false;
      for (const o of objects) {
        if (o.label !== label) continue;
        found = true;
        if (!byId.has(o.id)) byId.set(o.id, role);
      }
      if (!found && !missing.includes(label)) missing.push(label);
    }
  };
  assign(roles.reference, 'reference');
  assign(roles.candidate, 'candidate');
  return { byId, missing };
}
