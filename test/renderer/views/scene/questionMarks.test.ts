/**
 * The question context's roles and marks against what each family really generates: drafts of every family on
 * synthetic scenes (the engine's own FamilySpecs and scene API), read back through the renderer's one mapping per
 * family, and the drawn measures compared with the engine's `distance`, `cameraDistance` and `floorAngle`.
 */
import { describe, expect, it } from 'vitest';
import { FAMILY_SPECS } from '../../../../src/engine/proposer/families/index.js';
import { prepareScene } from '../../../../src/engine/proposer/prepare.js';
import { createSceneApi } from '../../../../src/engine/proposer/program/sceneApi.js';
import type { ProgramObject } from '../../../../src/engine/proposer/program/types.js';
import type { Draft } from '../../../../src/engine/proposer/types.js';
import { generateSyntheticScenes } from '../../../../src/engine/sources/synthetic.js';
import { FAMILY_ROLES, objectRoles, questionRoles } from '../../../../src/renderer/src/lib/questionRoles.js';
import { closestBoxPoints, markSegments, questionMarks } from '../../../../src/renderer/src/views/scene/questionMarks.js';
import { FAMILIES, type Family, type ProgramArgs } from '../../../../src/shared/proposer.js';
import { createRng, hashSeed } from '../../../../src/shared/random.js';
import type { Mat3, OrientedBox, Vec3 } from '../../../../src/shared/scene.js';
import { handData } from '../../../engine/proposer/handScenes.js';

const prepared = generateSyntheticScenes(3, 7).map((s) => prepareScene(s));

/** Up to `n` drafts of the family across the scenes and bins (seeded, so the same every run). */
function drafts(family: Family, n = 9): { draft: Draft; scene: (typeof prepared)[number] }[] {
  const out: { draft: Draft; scene: (typeof prepared)[number] }[] = [];
  for (const scene of prepared) {
    for (let bin = 0; bin < FAMILY_SPECS[family].bins; bin++) {
      for (let i = 0; i < 3 && out.length < n; i++) {
        const d = FAMILY_SPECS[family].draft({ sceneId: scene.scene.id, api: scene.api, rng: createRng(hashSeed(5, `${scene.scene.id}|${family}|${bin}|${i}`)), bin });
        if (!('skip' in d)) out.push({ draft: d, scene });
      }
    }
  }
  return out;
}

const facts = (d: Draft, args: ProgramArgs | null = d.args ?? null) => ({ id: 1, family: d.family, named: d.named, args });

describe('questionRoles: one mapping per family, as the families generate', () => {
  it.each([...FAMILIES])('%s: args and named give the same roles', (family) => {
    const list = drafts(family);
    expect(list.length).toBeGreaterThan(0);
    for (const { draft } of list) {
      const fromArgs = questionRoles(facts(draft));
      const fromNamed = questionRoles(facts(draft, null));
      expect(fromArgs.ok && fromNamed.ok).toBe(true);
      if (!fromArgs.ok || !fromNamed.ok) continue;
      expect(fromArgs.roles.source).toBe(family === 'room_size_estimation' || family === 'route_planning' ? 'named' : 'args');
      expect(fromNamed.roles.source).toBe('named');
      expect(fromNamed.roles.reference).toEqual(fromArgs.roles.reference);
      expect(fromNamed.roles.candidate).toEqual(fromArgs.roles.candidate);
      // Every named object has a role, and nothing else does.
      expect(new Set([...fromArgs.roles.reference, ...fromArgs.roles.candidate])).toEqual(new Set(draft.named.map((n) => n.label)));
    }
  });

  it('reads the reference and candidates each family puts in its program', () => {
    const [rel] = drafts('object_rel_distance', 1);
    const r = questionRoles(facts(rel!.draft));
    expect(r.ok && r.roles.reference).toEqual([rel!.draft.args!.reference]);
    expect(r.ok && r.roles.candidate).toEqual(rel!.draft.args!.candidates);
    // The options are the candidates, in order.
    expect(rel!.draft.options!.map((o) => o.slice(3))).toEqual(r.ok ? r.roles.candidate : []);
    const [dir] = drafts('object_rel_direction_hard', 1);
    const d = questionRoles(facts(dir!.draft));
    expect(d.ok && d.roles.reference).toEqual([dir!.draft.args!.standingBy, dir!.draft.args!.facing]);
    expect(d.ok && d.roles.candidate).toEqual([dir!.draft.args!.query]);
    expect(d.ok && d.roles.measure).toBe('direction');
  });

  it('falls back to named when args lack a key, and says what was expected when neither fits', () => {
    const r = questionRoles({ id: 4, family: 'object_rel_distance', named: ['sofa', 'tv', 'lamp'].map((label) => ({ label, role: 'unique' as const })), args: { reference: 'sofa' } });
    expect(r).toMatchObject({ ok: true, roles: { reference: ['sofa'], candidate: ['tv', 'lamp'], source: 'named' } });
    const bad = questionRoles({ id: 5, family: 'object_rel_distance', named: [{ label: 'sofa', role: 'unique' }], args: null });
    expect(bad).toEqual({ ok: false, error: 'QA 5 (object_rel_distance): expected args.reference, args.candidates or at least 3 named object(s), found 1 named and no args' });
    const unknown = questionRoles({ id: 6, family: 'route_plan', named: [], args: null });
    expect(unknown).toEqual({ ok: false, error: "QA 6: family 'route_plan' is not one this build knows, so its objects have no roles" });
  });

  it('objectRoles marks every instance of a named category and reports labels the scene lacks', () => {
    const objects = [
      { id: 1, label: 'chair' },
      { id: 2, label: 'chair' },
      { id: 3, label: 'table' },
    ];
    const { byId, missing } = objectRoles({ family: 'object_rel_distance', reference: ['table'], candidate: ['chair', 'lamp'], measure: 'from-reference', source: 'args' }, objects);
    expect([...byId]).toEqual([
      [3, 'reference'],
      [1, 'candidate'],
      [2, 'candidate'],
    ]);
    expect(missing).toEqual(['lamp']);
  });

  it('every family has a mapping', () => {
    expect(Object.keys(FAMILY_ROLES).sort()).toEqual([...FAMILIES].sort());
  });
});

const detailOf = (scene: (typeof prepared)[number]) => ({ objects: scene.scene.objects, trajectory: scene.scene.trajectory ?? [] });

describe('questionMarks: what the family program measures, drawn', () => {
  it('absolute distance: the segment joins the closest points, its length is scene.distance, its label the program result', () => {
    const list = drafts('object_abs_distance');
    expect(list.length).toBeGreaterThan(2);
    for (const { draft, scene } of list) {
      const roles = questionRoles(facts(draft));
      if (!roles.ok) throw new Error(roles.error);
      const truth = scene.api.distance(scene.api.unique(draft.args!.a as string), scene.api.unique(draft.args!.b as string));
      const marks = questionMarks(roles.roles, detailOf(scene), { frame: null, programResult: Math.round(truth * 100) / 100 });
      expect(marks.segments).toHaveLength(1);
      const s = marks.segments[0]!;
      expect(s.value).toBeCloseTo(truth, 9);
      expect(Math.hypot(s.to[0] - s.from[0], s.to[1] - s.from[1], s.to[2] - s.from[2])).toBeCloseTo(truth, 9);
      expect(s.label).toBe(`${(Math.round(truth * 100) / 100).toFixed(2)} m`);
    }
  });

  it('relative distance: one segment per candidate, the shortest to the program answer', () => {
    for (const { draft, scene } of drafts('object_rel_distance')) {
      const roles = questionRoles(facts(draft));
      if (!roles.ok) throw new Error(roles.error);
      const marks = questionMarks(roles.roles, detailOf(scene), { frame: null, programResult: null });
      const candidates = draft.args!.candidates as string[];
      expect(marks.segments.map((s) => s.label.split(' ')[0])).toEqual(candidates);
      const ref = scene.api.unique(draft.args!.reference as string);
      marks.segments.forEach((s, i) => expect(s.value).toBeCloseTo(scene.api.distance(ref, scene.api.unique(candidates[i]!)), 9));
      const nearest = candidates[marks.segments.reduce((b, s, i, all) => (s.value < all[b]!.value ? i : b), 0)];
      const answer = Function('scene', 'args', draft.program)(scene.api, draft.args);
      expect(nearest).toBe(answer);
    }
  });

  it('camera distance: from the camera centre at the frame to the box, as scene.cameraDistance', () => {
    const list = drafts('camera_object_distance');
    expect(list.length).toBeGreaterThan(0);
    for (const { draft, scene } of list) {
      const roles = questionRoles(facts(draft));
      if (!roles.ok) throw new Error(roles.error);
      const marks = questionMarks(roles.roles, detailOf(scene), { frame: draft.frame!, programResult: 1.5 });
      const truth = scene.api.cameraDistance(scene.api.unique(draft.args!.object as string), draft.frame!);
      expect(marks.segments[0]!.value).toBeCloseTo(truth, 6);
      expect(marks.segments[0]!.label).toBe('1.50 m');
      expect(questionMarks(roles.roles, detailOf(scene), { frame: null, programResult: 1.5 }).note).toBe('not drawn: the question names no frame');
    }
  });

  it('direction: facing and target arrows from the observer, the angle as scene.floorAngle', () => {
    for (const family of ['object_rel_direction_easy', 'object_rel_direction_medium', 'object_rel_direction_hard'] as const) {
      for (const { draft, scene } of drafts(family, 4)) {
        const roles = questionRoles(facts(draft));
        if (!roles.ok) throw new Error(roles.error);
        const marks = questionMarks(roles.roles, detailOf(scene), { frame: null, programResult: null });
        const u = (l: unknown) => scene.api.unique(l as string);
        const truth = scene.api.floorAngle(u(draft.args!.standingBy), u(draft.args!.facing), u(draft.args!.query));
        expect(marks.angle!.value).toBeCloseTo(truth, 9);
        expect(marks.angle!.label).toBe(`${Math.abs(truth).toFixed(0)}° ${truth > 0 ? 'left' : 'right'}`);
        expect(marks.arrows.map((a) => a.kind)).toEqual(['facing', 'target']);
        const facing = scene.scene.objects.find((o) => o.label === draft.args!.facing)!.box.center;
        expect(marks.arrows[0]!.to.slice(0, 2)).toEqual(facing.slice(0, 2));
        // Arrow bodies plus two head strokes each, every vertex coloured.
        const seg = markSegments(marks, () => [1, 0, 0]);
        expect(seg.positions.length).toBe(2 * 3 * 6);
        expect(seg.colors.length).toBe(seg.positions.length);
      }
    }
  });

  it('families that measure nothing between objects draw nothing; a missing object is said, not guessed', () => {
    const [count] = drafts('object_counting', 1);
    const roles = questionRoles(facts(count!.draft));
    expect(roles.ok && questionMarks(roles.roles, detailOf(count!.scene), { frame: null, programResult: 3 })).toEqual({ segments: [], arrows: [], angle: null, note: null });
    const gone = questionMarks({ family: 'object_abs_distance', reference: [], candidate: ['sofa', 'unicorn'], measure: 'between', source: 'args' }, { objects: [], trajectory: [] }, { frame: null, programResult: 1 });
    expect(gone.note).toBe("not drawn: 'sofa', 'unicorn' is not exactly one object of this scene version");
  });
});

describe('closestBoxPoints', () => {
  /** A seeded random rotation (unit quaternion → row-major matrix). */
  function rotation(rng: ReturnType<typeof createRng>): Mat3 {
    let [w, x, y, z] = [rng.next() - 0.5, rng.next() - 0.5, rng.next() - 0.5, rng.next() - 0.5];
    const n = Math.hypot(w, x, y, z);
    [w, x, y, z] = [w / n, x / n, y / n, z / n];
    return [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w), 2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w), 2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)];
  }

  it('agrees with the engine on arbitrarily rotated boxes, overlapping ones included', () => {
    const rng = createRng(99);
    let overlapping = 0;
    for (let t = 0; t < 200; t++) {
      const box = (): OrientedBox => ({
        center: [rng.next() * 4, rng.next() * 4, rng.next() * 2] as Vec3,
        extents: [0.2 + rng.next() * 1.5, 0.2 + rng.next() * 1.5, 0.2 + rng.next() * 1.5] as Vec3,
        rotation: rotation(rng),
      });
      const a = box();
      const b = box();
      const objects: ProgramObject[] = [
        { id: 1, label: 'a', center: a.center, extents: a.extents, rotation: a.rotation },
        { id: 2, label: 'b', center: b.center, extents: b.extents, rotation: b.rotation },
      ];
      const truth = createSceneApi(handData(objects)).distance(1, 2);
      const c = closestBoxPoints(a, b);
      if (truth === 0) overlapping++;
      expect(c.distance).toBeCloseTo(truth, 6);
      expect(Math.hypot(c.a[0] - c.b[0], c.a[1] - c.b[1], c.a[2] - c.b[2])).toBeCloseTo(truth, 6);
    }
    expect(overlapping).toBeGreaterThan(5);
  });
});
