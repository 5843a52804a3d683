/**
 * Route planning on hand-built rooms whose routes are worked out by hand. Every box is axis-aligned and 0.8 m
 * tall; the walker keeps 0.25 m from footprints and walls, so a footprint blocks cells within 0.25 m of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alternativeGap, routePlanning, routeTurns, turnWord } from '../../../../src/engine/proposer/families/routePlanning.js';
import { marginVerdict } from '../../../../src/engine/proposer/filters/verdicts.js';
import { runProposalRound } from '../../../../src/engine/proposer/pipeline.js';
import { createSceneApi, sceneApiPrelude, withFreeSpace } from '../../../../src/engine/proposer/program/sceneApi.js';
import type { ProgramObject, ProgramSceneData, RouteOptions } from '../../../../src/engine/proposer/program/types.js';
import type { ProgramRunner } from '../../../../src/engine/proposer/runner.js';
import { createSandboxRunner } from '../../../../src/engine/proposer/sandboxRunner.js';
import type { Draft } from '../../../../src/engine/proposer/types.js';
import { createRng } from '../../../../src/shared/random.js';
import { handData, handPrepared } from '../handScenes.js';
import { prepareScene, sandboxData } from '../../../../src/engine/proposer/prepare.js';
import { generateSyntheticScenes } from '../../../../src/engine/sources/synthetic.js';
import { loadScenes } from '../../../../src/engine/sources/index.js';
import { requireSharedData, scannetMetaFile } from '../../../helpers/shared.js';

const I = [1, 0, 0, 0, 1, 0, 0, 0, 1];
/** A 0.8 m tall box standing on the floor over x0…x1, y0…y1. */
const box = (id: number, label: string, x0: number, x1: number, y0: number, y1: number): ProgramObject => ({
  id,
  label,
  center: [(x0 + x1) / 2, (y0 + y1) / 2, 0.4],
  extents: [x1 - x0, y1 - y0, 0.8],
  rotation: I,
});
const rect = (x1: number, y1: number): [number, number][] => [
  [0, 0],
  [x1, 0],
  [x1, y1],
  [0, y1],
];

/**
 * An 8 × 3 m room split by a shelf from the left wall to x = 6.5 (y 1.4…1.6): the bottom and top corridors meet
 * only through the gap at the right. The sofa (bottom left) faces the tv on the right wall; the desk is top left,
 * straight across the shelf, so the shortcut is blocked. The walker leaves the sofa on its right (x ≈ 1.35, y 0.6),
 * walks right (≈ 2° off the tv's direction: no turn) to the lamp at the shelf's end (corner ≈ (6.75, 0.85)), turns
 * left (≈ +87°) up through the gap to the plant (corner ≈ (6.75, 2.15)), turns left again (≈ +87°) and walks to
 * the desk's right side (≈ (1.15, 2.35): below it is the shelf, above it the wall). Answer:
 * "Turn Left, Turn Left". From the named objects' centres: sofa → lamp is 7° off the tv's
 * direction (walk on), lamp → plant +83° (left), plant → desk +83° (left): the same turns.
 */
const SHELF_ROOM: ProgramObject[] = [
  box(1, 'sofa', 0.3, 1.1, 0.3, 0.9),
  box(2, 'tv', 7.6, 7.8, 0.4, 0.9),
  box(3, 'desk', 0.3, 0.9, 2.0, 2.75),
  box(4, 'shelf', 0, 6.5, 1.4, 1.6),
  box(5, 'lamp', 6.2, 6.5, 1.1, 1.4),
  box(6, 'plant', 6.2, 6.5, 1.6, 1.9),
];

/**
 * A 6 × 6 m room with a 4 m table across the middle (x 1…5, y 2.5…3.5): from the sofa (bottom centre) facing the
 * tv (top centre) to the bed (top centre, left of the tv), going round the table's left end and round its right
 * end are equally long, and their turns are mirror images. The route must be rejected: its answer is a tie.
 */
const TABLE_ROOM: ProgramObject[] = [
  box(1, 'sofa', 2.6, 3.4, 0.3, 0.9),
  box(2, 'tv', 2.6, 3.4, 5.7, 5.9),
  box(3, 'bed', 2.6, 3.4, 4.9, 5.5),
  box(4, 'table', 1, 5, 2.5, 3.5),
];

function room(objects: ProgramObject[], w: number, h: number, estimated = false): ProgramSceneData {
  return { ...handData(objects, { area: w * h }), floorPlan: { polygon: rect(w, h), estimated } };
}

function draftOf(start: string, facing: string, goal: string, landmarks: string[], question = ''): Draft {
  return {
    family: 'route_planning',
    answerType: 'choice',
    difficulty: {},
    bin: 0,
    question,
    program: '',
    named: [start, facing, goal, ...landmarks].map((label) => ({ label, role: 'unique' as const })),
  };
}

let runner: ProgramRunner;
beforeAll(async () => {
  // Correctness here, not speed: a loaded test machine must not turn a slow run into a failure.
  runner = await createSandboxRunner({ timeLimitMs: 1000 });
});
afterAll(() => runner.dispose());

describe('route planning: hand-worked routes', () => {
  it('turns are classified at 45° and 135°, left positive', () => {
    expect([0, 44.9, 45, -45, 90, -134.9, 135, -180, 180].map(turnWord)).toEqual([null, null, 'Turn Left', 'Turn Right', 'Turn Left', 'Turn Right', 'Turn Back', 'Turn Back', 'Turn Back']);
  });

  it('a blocked shortcut: the walk goes round the shelf through the gap, turning left twice', () => {
    const api = createSceneApi(room(SHELF_ROOM, 8, 3));
    const r = api.route(api.unique('sofa'), api.unique('tv'), api.unique('desk'))!;
    expect(r).not.toBeNull();
    expect(r.points).toHaveLength(4);
    const [start, c1, c2, end] = r.points;
    // Points are cell centres (0.15 m cells here): each within about a cell of the hand-worked place.
    expect(Math.hypot(start![0] - 1.35, start![1] - 0.6)).toBeLessThan(0.2);
    expect(Math.hypot(c1![0] - 6.75, c1![1] - 0.85)).toBeLessThan(0.2);
    expect(Math.hypot(c2![0] - 6.75, c2![1] - 2.15)).toBeLessThan(0.2);
    expect(Math.hypot(end![0] - 1.15, end![1] - 2.35)).toBeLessThan(0.2);
    expect(Math.abs(r.turns[0]!)).toBeLessThan(10);
    expect(r.turns[1]).toBeGreaterThan(75);
    expect(r.turns[2]).toBeGreaterThan(75);
    expect(routeTurns(r)).toEqual(['Turn Left', 'Turn Left']);
    // The straight line from sofa to desk crosses the shelf; the walk is the long way: ≈ 5.4 + 1.3 + 5.3 m.
    expect(r.length).toBeGreaterThan(11.5);
    expect(r.length).toBeLessThan(12.5);
  });

  it('a walk searched once serves every facing: same corners, turns measured from each facing, equal to a fresh search', () => {
    const api = createSceneApi(room(SHELF_ROOM, 8, 3));
    const towardTv = api.route(api.unique('sofa'), api.unique('tv'), api.unique('desk'))!;
    // Facing the desk (straight up, across the shelf): the first leg (east) is a right turn from there.
    const towardDesk = api.route(api.unique('sofa'), api.unique('desk'), api.unique('desk'))!;
    expect(towardDesk.points).toBe(towardTv.points);
    expect(towardDesk.length).toBe(towardTv.length);
    expect(towardDesk.turns.slice(1)).toEqual(towardTv.turns.slice(1));
    expect(towardDesk.turns[0]).toBeLessThan(-45);
    // Every call on a new API (nothing memoised) finds the same walk and turns.
    for (const facing of ['tv', 'desk', 'lamp']) {
      const fresh = createSceneApi(room(SHELF_ROOM, 8, 3)).route(api.unique('sofa'), api.unique(facing), api.unique('desk'))!;
      const memo = api.route(api.unique('sofa'), api.unique(facing), api.unique('desk'))!;
      expect(memo).toEqual(fresh);
    }
    // Another clearance is another grid: its walk is its own (equal to a fresh search), never the default grid's.
    const wide: RouteOptions = { clearance: 0.35 };
    const wider0 = api.route(api.unique('sofa'), api.unique('tv'), api.unique('desk'), wide);
    expect(wider0).toEqual(createSceneApi(room(SHELF_ROOM, 8, 3)).route(api.unique('sofa'), api.unique('tv'), api.unique('desk'), wide));
    expect(wider0?.points).not.toBe(towardTv.points);
    expect(api.route(api.unique('sofa'), api.unique('lamp'), api.unique('desk'))!.points).toBe(towardTv.points);
    // Closing a disc is a different walk: never served from (or stored into) the memo of open walks.
    const disc: RouteOptions = { avoid: [[6.75, 0.85, 0.3]] };
    const detour = api.route(api.unique('sofa'), api.unique('tv'), api.unique('desk'), disc)!;
    expect(detour.points).not.toEqual(towardTv.points);
    expect(api.route(api.unique('sofa'), api.unique('tv'), api.unique('desk'))).toEqual(towardTv);
    // A detour is kept by its end objects and discs: each facing gets the same walk, equal to a fresh search, and
    // another disc or another goal is searched anew.
    for (const facing of ['tv', 'desk', 'lamp']) {
      const fresh = createSceneApi(room(SHELF_ROOM, 8, 3)).route(api.unique('sofa'), api.unique(facing), api.unique('desk'), disc)!;
      const memo = api.route(api.unique('sofa'), api.unique(facing), api.unique('desk'), disc)!;
      expect(memo).toEqual(fresh);
      expect(memo.points).toBe(detour.points);
    }
    const widerDisc: RouteOptions = { avoid: [[6.75, 0.85, 0.6]] };
    const wider = api.route(api.unique('sofa'), api.unique('tv'), api.unique('desk'), widerDisc);
    expect(wider).toEqual(createSceneApi(room(SHELF_ROOM, 8, 3)).route(api.unique('sofa'), api.unique('tv'), api.unique('desk'), widerDisc));
    expect(wider?.points).not.toBe(detour.points);
    const toLamp = api.route(api.unique('sofa'), api.unique('tv'), api.unique('lamp'), disc);
    expect(toLamp).toEqual(createSceneApi(room(SHELF_ROOM, 8, 3)).route(api.unique('sofa'), api.unique('tv'), api.unique('lamp'), disc));
  });

  it('the blocked shortcut passes every margin; the question names lamp and plant at the corners', async () => {
    const prepared = handPrepared(room(SHELF_ROOM, 8, 3), 'hand:shelf');
    const draft = draftOf('sofa', 'tv', 'desk', ['lamp', 'plant']);
    const m = routePlanning.margins(prepared.api, draft);
    expect(m.turnMargin).toBeGreaterThan(30);
    // Closing a corner either blocks the walk or sends it on a detour through the same gap (other turns, but on
    // the same side of every obstacle): the gap is the only way, so no route with other turns exists.
    expect(m.alternativeGap).toBe(10);
    expect(m.estimateRobust).toBe(1);
    expect(m.landmarkMargin).toBeGreaterThan(30);
    expect(marginVerdict(prepared.api, draft, routePlanning).passed).toBe(true);

    // The family drafts this very question for some seed: its wording, options and program are checked here.
    let found: Draft | undefined;
    for (let seed = 0; seed < 200 && !found; seed++) {
      const d = routePlanning.draft({ sceneId: 'hand:shelf', api: prepared.api, rng: createRng(seed), bin: 1 });
      if (!('skip' in d) && d.question.startsWith('You are a robot beginning at the sofa facing the tv. You want to navigate to the desk.')) found = d;
    }
    expect(found).toBeDefined();
    const q = found!;
    expect(q.question).toBe(
      "You are a robot beginning at the sofa facing the tv. You want to navigate to the desk. You will perform the following actions (Note: for each [please fill in], choose either 'turn back,' 'turn left,' or 'turn right.'): 1. Go forward until the lamp 2. [please fill in] 3. Go forward until the plant 4. [please fill in] 5. Go forward until the desk. You have reached the final destination.",
    );
    expect(q.named.map((n) => n.label)).toEqual(['sofa', 'tv', 'desk', 'lamp', 'plant']);
    expect(q.difficulty).toMatchObject({ turns: 2 });
    expect(q.bin).toBe(1);
    expect(q.options).toHaveLength(4);
    expect(new Set(q.options!.map((o) => o.slice(3))).size).toBe(4);
    for (const o of q.options!) expect(o).toMatch(/^[A-D]\. Turn (Left|Right|Back), Turn (Left|Right|Back)$/);
    const [out] = await runner.runScene(withFreeSpace(prepared.data), [{ source: q.program, args: q.args! }]);
    expect(out).toEqual({ ok: true, value: 'Turn Left, Turn Left' });
  });

  it('a proposal round on the shelf room: every accepted answer is the host-side route turns', async () => {
    const prepared = handPrepared(room(SHELF_ROOM, 8, 3), 'hand:shelf');
    const { qa } = await runProposalRound({
      scenes: [{ ...prepared, data: withFreeSpace(prepared.data) }],
      requests: [0, 1, 2].map((bin) => ({ sceneId: prepared.scene.id, family: 'route_planning' as const, bin, count: 8 })),
      seed: 5,
      runner,
      shortcut: false,
    });
    const accepted = qa.filter((q) => q.verdict === 'accepted');
    expect(accepted.length).toBeGreaterThan(0);
    for (const q of accepted) {
      const [start, facing, goal] = q.named.map((n) => prepared.api.unique(n.label));
      expect(q.programResult, q.question).toBe(routeTurns(prepared.api.route(start!, facing!, goal!)!).join(', '));
      expect(q.options![q.answer!.toString().charCodeAt(0) - 65]!.slice(3)).toBe(q.programResult);
    }
  });

  it('a tie: round the table left or right is equally long with mirrored turns, so it is rejected', () => {
    const api = createSceneApi(room(TABLE_ROOM, 6, 6));
    const r = api.route(api.unique('sofa'), api.unique('tv'), api.unique('bed'))!;
    expect(r).not.toBeNull();
    const turns = routeTurns(r);
    // One way round is Left…Right…, the other its mirror image.
    const mirrored = turns.map((w) => (w === 'Turn Left' ? 'Turn Right' : w === 'Turn Right' ? 'Turn Left' : w));
    expect(mirrored).not.toEqual(turns);
    expect(alternativeGap(api, 'sofa', 'tv', 'bed', r)).toBeLessThan(0.05);
    const verdict = marginVerdict(api, draftOf('sofa', 'tv', 'bed', ['table']), routePlanning);
    expect(verdict.passed).toBe(false);
    expect(verdict.reason).toMatch(/^alternativeGap 0\.0\d+ below the minimum 0\.15/);
  });

  it('shifting the table breaks the tie: the short way round wins clearly', () => {
    const shifted = TABLE_ROOM.map((o) => (o.label === 'table' ? box(4, 'table', 2, 6 - 0.4, 2.5, 3.5) : o));
    const api = createSceneApi(room(shifted, 6, 6));
    const r = api.route(api.unique('sofa'), api.unique('tv'), api.unique('bed'))!;
    // Round the left end (x = 2) is ≈ 2 m shorter than squeezing past the right end at the wall: not a tie.
    expect(r.points.every((p) => p[0] < 3.2)).toBe(true);
    expect(alternativeGap(api, 'sofa', 'tv', 'bed', r)).toBeGreaterThan(0.15);
  });

  it('an estimated floor plan must keep its answer under plausible errors: a gap that closes with 0.1 m more clearance', () => {
    // Narrow the shelf-room gap to 0.75 m (shelf to x 7.25): free for 0.25 m clearance, closed for 0.35 m.
    const narrow = SHELF_ROOM.filter((o) => o.label !== 'tv').map((o) => (o.label === 'shelf' ? box(4, 'shelf', 0, 7.25, 1.4, 1.6) : o));
    const withTv = [...narrow, box(2, 'tv', 7.85, 7.95, 0.4, 0.9)];
    const draft = draftOf('sofa', 'tv', 'desk', ['lamp', 'plant']);
    const exact = createSceneApi(room(withTv, 8, 3, false));
    expect(exact.route(exact.unique('sofa'), exact.unique('tv'), exact.unique('desk'))).not.toBeNull();
    expect(exact.route(exact.unique('sofa'), exact.unique('tv'), exact.unique('desk'), { clearance: 0.35 })).toBeNull();
    expect(routePlanning.margins(exact, draft).estimateRobust).toBe(1);
    const estimated = createSceneApi(room(withTv, 8, 3, true));
    expect(routePlanning.margins(estimated, draft).estimateRobust).toBe(0);
  });

  it('a walled-off goal has no route, and the program says so', async () => {
    const walled = [...SHELF_ROOM, box(7, 'cabinet', 6.5, 8, 1.4, 1.6)];
    const api = createSceneApi(room(walled, 8, 3));
    expect(api.route(api.unique('sofa'), api.unique('tv'), api.unique('desk'))).toBeNull();
    const data = withFreeSpace(room(walled, 8, 3));
    const [out] = await runner.runScene(data, [{ source: routePlanning.reference(draftOf('sofa', 'tv', 'desk', [])).program, args: { start: 'sofa', facing: 'tv', goal: 'desk' } }]);
    expect(out).toMatchObject({ ok: false, message: expect.stringMatching(/no walkable route from the sofa to the desk/) });
  });

  it('the sandboxed program computes the same answer as the host', async () => {
    const data = withFreeSpace(room(SHELF_ROOM, 8, 3));
    expect(data.freeSpace).toMatchObject({ clearance: 0.25, wallMargin: 0.25, res: 0.15, nx: 54, ny: 20 });
    const [out] = await runner.runScene(data, [{ source: routePlanning.reference(draftOf('sofa', 'tv', 'desk', [])).program, args: { start: 'sofa', facing: 'tv', goal: 'desk' } }]);
    expect(out).toEqual({ ok: true, value: 'Turn Left, Turn Left' });
    // The prelude is the same function the host runs: no helper outside it.
    expect(sceneApiPrelude()).toContain('footprintOf');
  });

  it('walks the host searched go to the sandbox with the scene data, and the sandbox takes them instead of searching', async () => {
    const prepared = handPrepared(withFreeSpace(room(SHELF_ROOM, 8, 3)), 'hand:shelf');
    const call = { source: routePlanning.reference(draftOf('sofa', 'tv', 'desk', [])).program, args: { start: 'sofa', facing: 'tv', goal: 'desk' } };
    expect(sandboxData(prepared)).toBe(prepared.data);
    prepared.api.route(prepared.api.unique('sofa'), prepared.api.unique('tv'), prepared.api.unique('desk'));
    const sent = sandboxData(prepared);
    expect(Object.keys(sent.walks ?? {})).toHaveLength(1);
    expect(await runner.runScene(sent, [call])).toEqual([{ ok: true, value: 'Turn Left, Turn Left' }]);
    // A forged walk (straight to the desk through the shelf) shows the seeded walk is the one the program turns on.
    const [key] = Object.keys(sent.walks!);
    const forged = { ...sent, walks: { [key!]: { corners: [[1.35, 0.6], [1.35, 2.35]] as [number, number][], length: 1.75 } } };
    expect(await runner.runScene(forged, [call])).toEqual([{ ok: true, value: 'Turn Left' }]);
  });

  it('walker cells the host found go to the sandbox too, and the sandbox stands on them instead of scanning the grid', async () => {
    const prepared = handPrepared(withFreeSpace(room(SHELF_ROOM, 8, 3)), 'hand:shelf');
    const { unique, route } = prepared.api;
    const call = { source: routePlanning.reference(draftOf('sofa', 'tv', 'desk', [])).program, args: { start: 'sofa', facing: 'tv', goal: 'desk' } };
    route(unique('sofa'), unique('tv'), unique('desk'));
    const sent = sandboxData(prepared);
    const key = (label: string): string => `0.25|0.25|${unique(label).id}`;
    expect(Object.keys(sent.stands ?? {}).sort()).toEqual([key('desk'), key('sofa')].sort());
    // A forged cell (the desk's walker on the sofa's cell) shows the seeded cell is the one the program walks from:
    // no walk is known between those cells, so the sandbox searches one, and it has no legs to turn on.
    const forged = { ...sent, stands: { ...sent.stands, [key('desk')]: sent.stands![key('sofa')]! } };
    expect(await runner.runScene(forged, [call])).toEqual([{ ok: true, value: '' }]);
    expect(await runner.runScene(sent, [call])).toEqual([{ ok: true, value: 'Turn Left, Turn Left' }]);
  });

  it('bad route options get a specific error', () => {
    const api = createSceneApi(room(SHELF_ROOM, 8, 3));
    expect(() => api.route(1, 2, 3, { clearance: -1 })).toThrow('route: options.clearance must be a number of metres from 0 to 2, got -1');
    expect(() => api.route(1, 2, 3, { avoid: [[1, 2]] as unknown as [number, number, number][] })).toThrow('route: options.avoid[0]: expected 3 numbers');
    expect(() => api.route(1, 2, 1)).toThrow(/start and goal are the same object/);
    const noPlan = createSceneApi(handData(SHELF_ROOM));
    expect(noPlan.floorPlan()).toBeNull();
    expect(() => noPlan.route(1, 2, 3)).toThrow('route: the scene has no floor plan');
  });

  it('drafts are deterministic and name the route corners in walking order', () => {
    const prepared = handPrepared(room(SHELF_ROOM, 8, 3), 'hand:shelf');
    const a = routePlanning.draft({ sceneId: 'hand:shelf', api: prepared.api, rng: createRng(3), bin: 1 });
    const b = routePlanning.draft({ sceneId: 'hand:shelf', api: prepared.api, rng: createRng(3), bin: 1 });
    expect(a).toEqual(b);
  });

  it('program data carries the floor plan: given for synthetic rooms, estimated for VSI-Bench metadata', () => {
    const synthetic = prepareScene(generateSyntheticScenes(1, 4, { points: false })[0]!);
    expect(synthetic.data.floorPlan?.estimated).toBe(false);
    expect(synthetic.api.floorPlan()?.polygon.length).toBeGreaterThanOrEqual(4);
    expect(synthetic.data.freeSpace?.cells).toMatch(/^[01]+$/);
    requireSharedData();
    const real = prepareScene(loadScenes(`vsibench:${scannetMetaFile}`, { seed: 0 })[0]!);
    expect(real.data.floorPlan?.estimated).toBe(true);
    const g = real.data.freeSpace!;
    expect(g.cells).toHaveLength(g.nx * g.ny);
    expect(g.nx * g.ny).toBeLessThan(1700);
  });
});
