/**
 * Route planning, VSI-Bench's `route_planning`: a walker begins at object A facing object B and walks to object C
 * along the shortest route on the free floor (`scene.route`, API.md); the question lists the route's legs as
 * "Go forward until the X" with a blank before each leg that starts with a turn, and the answer is the turns in
 * order. A leg direction within 45° of the walker's heading is no turn, 45–135° is left or right, more is back.
 *
 * The route's corners are named by the nearest uniquely named, visible object (within LANDMARK_REACH), so the
 * question can be answered from the objects it names; the margin filter checks that it can (`landmarkMargin`:
 * the same turns follow from the landmarks' centres), that no corner sits near a turn boundary, that a route
 * with other turns is clearly longer or blocked (`alternativeGap`), and, on estimated floor plans, that the
 * turns survive plausible errors of the free-space estimate (`estimateRobust`).
 */
import type { ObjectView, RouteView, SceneApi } from '../program/types.js';
import { FAMILY_FACTS } from '../../familyFacts.js';
import { boxFootprint } from '../../scene/synthesis/footprint.js';
import { distanceToConvex, pointInPolygon } from '../../scene/synthesis/polygon.js';
import type { Mat3 } from '../../../shared/scene.js';
import type { Rng } from '../../../shared/random.js';
import type { Draft, FamilySpec } from '../types.js';
import { drawForBin, letterOptions, namedLabel, sample, uniqueVisibleLabels } from './common.js';

export type TurnWord = 'Turn Left' | 'Turn Right' | 'Turn Back';
const TURN_WORDS: readonly TurnWord[] = ['Turn Left', 'Turn Right', 'Turn Back'];

/** |angle| below this is walking on; at or above BACK it is turning back (VSI-Bench's own 135° for "back"). */
export const TURN_MIN = 45;
export const TURN_BACK = 135;

/** A corner's landmark must stand this close to it (metres, footprint distance), or the draw is discarded. */
const LANDMARK_REACH = 1;
/** Disc (metres) closed at a route corner to look for a route around the other side of its obstacle. */
const ALTERNATIVE_BLOCK = 0.5;
/**
 * Plausible errors of an estimated free-space grid: objects a little bigger or smaller than their boxes (±0.1 m of
 * clearance around the default 0.25 m) and walls 0.25 m further in than the estimated room bounds.
 */
const ESTIMATE_ERRORS = [{ clearance: 0.15 }, { clearance: 0.35 }, { wallMargin: 0.5 }] as const;
/** Blocked cells a loop of two routes must enclose to pass an obstacle on different sides (not grid slivers). */
const ENCLOSED_CELLS = 3;
/** alternativeGap when no route with other turns exists (JSON has no Infinity). */
const NO_ALTERNATIVE = 10;

/** The turn a walker makes for a signed angle (+ = left), or null for walking on. */
export function turnWord(angle: number): TurnWord | null {
  const a = Math.abs(angle);
  if (a >= TURN_BACK) return 'Turn Back';
  if (a >= TURN_MIN) return angle > 0 ? 'Turn Left' : 'Turn Right';
  return null;
}

/** Degrees from the nearest turn boundary (45°, 135°). */
export function turnMargin(angle: number): number {
  const a = Math.abs(angle);
  return Math.min(Math.abs(a - TURN_MIN), Math.abs(a - TURN_BACK));
}

export const routeTurns = (r: RouteView): TurnWord[] => r.turns.map(turnWord).filter((w): w is TurnWord => w !== null);

const PROGRAM = [
  'const route = scene.route(scene.unique(args.start), scene.unique(args.facing), scene.unique(args.goal));',
  'if (route === null) throw new Error("no walkable route from the " + args.start + " to the " + args.goal);',
  'const turns = [];',
  'for (const a of route.turns) {',
  `  if (Math.abs(a) >= ${TURN_BACK}) turns.push("Turn Back");`,
  `  else if (Math.abs(a) >= ${TURN_MIN}) turns.push(a > 0 ? "Turn Left" : "Turn Right");`,
  '}',
  'return turns.join(", ");',
].join('\n');

// Object views are frozen and live as long as their scene API: each footprint is computed once.
const footprints = new WeakMap<ObjectView, ReturnType<typeof boxFootprint>>();
const floorDistance = (o: ObjectView, p: readonly [number, number]): number => {
  let footprint = footprints.get(o);
  if (!footprint) footprints.set(o, (footprint = boxFootprint({ center: [...o.center], extents: [...o.extents], rotation: [...o.rotation] as Mat3 })));
  return distanceToConvex(p[0], p[1], footprint);
};

/**
 * The landmark of a route corner: among uniquely named, visible objects (not the start or goal) whose footprint is
 * within reach of it, the one whose centre is nearest, as the question's reader turns at the named object's centre.
 */
function landmarkAt(api: SceneApi, p: readonly [number, number], labels: readonly string[], exclude: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const l of labels) {
    if (exclude.includes(l)) continue;
    const o = api.unique(l);
    if (floorDistance(o, p) > LANDMARK_REACH) continue;
    const d = Math.hypot(o.center[0] - p[0], o.center[1] - p[1]);
    if (d < bestD) {
      bestD = d;
      best = l;
    }
  }
  return best;
}

interface Plan {
  route: RouteView;
  turns: TurnWord[];
  /** One entry per action: a blank, or the object to go forward until. */
  actions: ({ blank: true } | { until: string })[];
  landmarks: string[];
}

/** The actions of a route: a blank before every leg that starts with a turn, "go forward until" where legs end. */
function planActions(api: SceneApi, route: RouteView, start: string, goal: string, labels: readonly string[]): Plan | undefined {
  const turns = routeTurns(route);
  if (turns.length === 0) return undefined;
  const actions: Plan['actions'] = [];
  const landmarks: string[] = [];
  const legs = route.turns.length;
  for (let i = 0; i < legs; i++) {
    if (turnWord(route.turns[i]!) !== null) actions.push({ blank: true });
    if (i === legs - 1) actions.push({ until: goal });
    else if (turnWord(route.turns[i + 1]!) !== null) {
      const l = landmarkAt(api, route.points[i + 1]!, labels, [start, goal, ...landmarks]);
      if (!l) return undefined;
      landmarks.push(l);
      actions.push({ until: l });
    }
  }
  return { route, turns, actions, landmarks };
}

function questionText(start: string, facing: string, goal: string, actions: Plan['actions']): string {
  const steps = actions.map((a, i) => `${i + 1}. ${'blank' in a ? '[please fill in]' : `Go forward until the ${a.until}`}`).join(' ');
  return `You are a robot beginning at the ${start} facing the ${facing}. You want to navigate to the ${goal}. You will perform the following actions (Note: for each [please fill in], choose either 'turn back,' 'turn left,' or 'turn right.'): ${steps}. You have reached the final destination.`;
}

/** Options: the answer and distractors that differ from it in at least one turn, in random order. */
function turnOptions(rng: Rng, answer: TurnWord[]): string[] {
  const texts = new Set([answer.join(', ')]);
  const want = answer.length === 1 ? 3 : 4;
  for (let guard = 0; texts.size < want && guard < 200; guard++) {
    const alt = answer.map((w) => (rng.next() < 0.5 ? w : rng.pick(TURN_WORDS.filter((x) => x !== w))));
    texts.add(alt.join(', '));
  }
  return rng.shuffle([...texts]);
}

/** Smallest margin of every turn from a boundary (degrees) that the margin filter accepts. */
const MIN_TURN_MARGIN = 15;

/** A facing object (in random order) whose direction from the start is no borderline first turn for this walk. */
function clearFacing(api: SceneApi, rng: Rng, walk: RouteView, start: string, goal: string, labels: readonly string[]): string | undefined {
  const s = api.unique(start).center;
  const [a, b] = [walk.points[0]!, walk.points[1]!];
  const lx = b[0] - a[0], ly = b[1] - a[1];
  for (const l of rng.shuffle(labels.filter((x) => x !== start && x !== goal))) {
    const c = api.unique(l).center;
    const hx = c[0] - s[0], hy = c[1] - s[1];
    if (Math.hypot(hx, hy) < 0.5) continue;
    const angle = (Math.atan2(hx * ly - hy * lx, hx * lx + hy * ly) * 180) / Math.PI;
    if (turnMargin(angle) >= MIN_TURN_MARGIN) return l;
  }
  return undefined;
}

const binOfTurns = (n: number): number => Math.min(2, Math.max(0, n - 1));

/** Turns of the route under changed options, or null when it is blocked. */
function turnsWith(api: SceneApi, start: string, facing: string, goal: string, options: Parameters<SceneApi['route']>[3]): string | null {
  const r = api.route(api.unique(start), api.unique(facing), api.unique(goal), options);
  return r && routeTurns(r).join(', ');
}

/**
 * Whether two routes between the same ends pass an obstacle on different sides: the loop one walks out and the
 * other back encloses blocked floor (at least ENCLOSED_CELLS cells of the default free-space grid). A detour on
 * the same side encloses only free floor.
 */
function otherSide(api: SceneApi, a: RouteView, b: RouteView): boolean {
  const loop = [...a.points, ...[...b.points].reverse()].map((p): [number, number] => [p[0], p[1]]);
  const g = api.freeSpace();
  let lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
  for (const p of loop) {
    lo = [Math.min(lo[0]!, p[0]), Math.min(lo[1]!, p[1])];
    hi = [Math.max(hi[0]!, p[0]), Math.max(hi[1]!, p[1])];
  }
  let enclosed = 0;
  const i0 = Math.max(0, Math.floor((lo[0]! - g.x0) / g.res)), i1 = Math.min(g.nx - 1, Math.floor((hi[0]! - g.x0) / g.res));
  const j0 = Math.max(0, Math.floor((lo[1]! - g.y0) / g.res)), j1 = Math.min(g.ny - 1, Math.floor((hi[1]! - g.y0) / g.res));
  for (let j = j0; j <= j1; j++)
    for (let i = i0; i <= i1; i++) {
      if (g.cells[j * g.nx + i] === '1') continue;
      if (pointInPolygon(g.x0 + (i + 0.5) * g.res, g.y0 + (j + 0.5) * g.res, loop) && ++enclosed >= ENCLOSED_CELLS) return true;
    }
  return false;
}

/**
 * How much longer (relative) the shortest route with other turns round another side of an obstacle is: each
 * corner of the route is closed in turn, which sends the walk round the other side of the obstacle it hugged, or
 * on a detour (same side, ignored: the question's route is still the shortest). NO_ALTERNATIVE when no route
 * round another side has other turns, or every one is blocked.
 */
export function alternativeGap(api: SceneApi, start: string, facing: string, goal: string, route: RouteView): number {
  const answer = routeTurns(route).join(', ');
  const from = route.points[0]!;
  const to = route.points[route.points.length - 1]!;
  let gap = NO_ALTERNATIVE;
  for (let i = 1; i < route.points.length - 1; i++) {
    const p = route.points[i]!;
    // Never close the start or the goal themselves.
    const r = Math.min(ALTERNATIVE_BLOCK, Math.hypot(p[0] - from[0], p[1] - from[1]) - 0.2, Math.hypot(p[0] - to[0], p[1] - to[1]) - 0.2);
    if (r < 0.2) continue;
    const alt = api.route(api.unique(start), api.unique(facing), api.unique(goal), { avoid: [[p[0], p[1], r]] });
    if (alt && routeTurns(alt).join(', ') !== answer && otherSide(api, route, alt)) gap = Math.min(gap, alt.length / route.length - 1);
  }
  return gap;
}

/**
 * Whether the turns follow from the named objects' centres too (start, facing, each landmark, goal): the smallest
 * distance of those turns from a boundary, or −1 when any of them is a different turn.
 */
export function landmarkMargin(api: SceneApi, start: string, facing: string, landmarks: readonly string[], goal: string, route: RouteView): number {
  const c = (l: string): [number, number] => {
    const o = api.unique(l);
    return [o.center[0], o.center[1]];
  };
  const stops = [c(start), ...landmarks.map(c), c(goal)];
  const f = c(facing);
  const expected: (TurnWord | null)[] = [];
  for (let i = 0; i < route.turns.length; i++) {
    const w = turnWord(route.turns[i]!);
    if (i === 0 || w !== null) expected.push(w);
  }
  if (expected.length !== stops.length - 1) return -1;
  let margin = Infinity;
  let heading: [number, number] = [f[0] - stops[0]![0], f[1] - stops[0]![1]];
  for (let i = 0; i + 1 < stops.length; i++) {
    const leg: [number, number] = [stops[i + 1]![0] - stops[i]![0], stops[i + 1]![1] - stops[i]![1]];
    const angle = (Math.atan2(heading[0] * leg[1] - heading[1] * leg[0], heading[0] * leg[0] + heading[1] * leg[1]) * 180) / Math.PI;
    if (turnWord(angle) !== expected[i]) return -1;
    margin = Math.min(margin, turnMargin(angle));
    heading = leg;
  }
  return margin;
}

export const routePlanning: FamilySpec = {
  id: 'route_planning',
  answerType: 'choice',
  facts: FAMILY_FACTS.route_planning,
  definition:
    'Beginning at the first object facing the second, the turns of the shortest walk to the goal on the free floor (clearance 0.25 m from footprints and walls): a leg within 45° of the heading is no turn, 45–135° left/right, more is back.',
  knobs: { turns: 'blanks to fill (bins: 1, 2, ≥ 3)', pathLength: 'length of the walk in metres' },
  bins: 3,
  draft({ api, rng, bin }) {
    if (!api.floorPlan()) return { skip: 'the scene has no floor plan' };
    const labels = uniqueVisibleLabels(api);
    if (labels.length < 3) return { skip: 'fewer than three uniquely named, visible objects' };
    // Most pairs of objects see each other (one turn, then straight on): look through several triples for a route
    // with the wanted number of turns, keeping the last turning one otherwise.
    const drawn = drawForBin(
      bin,
      () => {
        let found: { start: string; facing: string; goal: string; plan: Plan } | undefined;
        for (let attempt = 0; attempt < 24; attempt++) {
          const pick = sample(rng, labels, 3);
          if (!pick) return undefined;
          const [start, first, goal] = pick as [string, string, string];
          const walk = api.route(api.unique(start), api.unique(first), api.unique(goal));
          // Start and goal on the same cell: nothing to walk.
          if (!walk || walk.points.length < 2) continue;
          let turning = 1;
          for (let i = 1; i < walk.turns.length; i++) if (turnWord(walk.turns[i]!) !== null) turning++;
          if (binOfTurns(turning) < bin && found) continue;
          // The walk does not depend on the facing object, only the first turn does: face one whose direction
          // is clearly a turn or clearly straight on, as a question with a borderline first turn is rejected.
          const facing = clearFacing(api, rng, walk, start, goal, labels);
          if (!facing) continue;
          const route = facing === first ? walk : api.route(api.unique(start), api.unique(facing), api.unique(goal));
          const plan = route && planActions(api, route, start, goal, labels);
          if (!plan) continue;
          found = { start, facing, goal, plan };
          if (binOfTurns(plan.turns.length) === bin) break;
        }
        return found;
      },
      ({ plan }) => binOfTurns(plan.turns.length),
    );
    if (!drawn) return { skip: 'no start, facing and goal objects with a turning route whose corners have landmarks' };
    const { start, facing, goal, plan } = drawn;
    return {
      family: 'route_planning',
      answerType: 'choice',
      difficulty: { turns: plan.turns.length, pathLength: Math.round(plan.route.length * 10) / 10 },
      bin: binOfTurns(plan.turns.length),
      question: questionText(start, facing, goal, plan.actions),
      options: letterOptions(turnOptions(rng, plan.turns)),
      program: PROGRAM,
      args: { start, facing, goal },
      named: [start, facing, goal, ...plan.landmarks].map((label) => ({ label, role: 'unique' as const })),
    };
  },
  reference: (draft) => ({ program: PROGRAM, args: { start: namedLabel(draft, 0), facing: namedLabel(draft, 1), goal: namedLabel(draft, 2) } }),
  margins(api, draft: Draft) {
    const [start, facing, goal] = [namedLabel(draft, 0), namedLabel(draft, 1), namedLabel(draft, 2)];
    const route = api.route(api.unique(start), api.unique(facing), api.unique(goal));
    if (!route) return { turnMargin: 0, landmarkMargin: -1, alternativeGap: 0, estimateRobust: 0 };
    const answer = routeTurns(route).join(', ');
    const robust = !api.floorPlan()?.estimated || ESTIMATE_ERRORS.every((o) => turnsWith(api, start, facing, goal, o) === answer);
    return {
      turnMargin: Math.min(...route.turns.map(turnMargin)),
      landmarkMargin: landmarkMargin(api, start, facing, draft.named.slice(3).map((n) => n.label), goal, route),
      alternativeGap: alternativeGap(api, start, facing, goal, route),
      estimateRobust: robust ? 1 : 0,
    };
  },
  // In this order the first failing one is the reason recorded: geometry of the route first, wording last.
  minMargins: { turnMargin: MIN_TURN_MARGIN, alternativeGap: 0.15, estimateRobust: 1, landmarkMargin: 10 },
};
