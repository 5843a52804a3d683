/**
 * Relative direction at three levels. The observer stands at the positioning object's centre facing the
 * orienting object's centre; the angle to the querying object is measured in the floor plane, positive to
 * the left (counter-clockwise seen from above). Level boundaries: easy 0°/180°; medium 0° and ±135° ("back"
 * means turning at least 135°); hard 0°, ±90°, 180° (quadrants).
 */
import type { Family } from '../../../shared/proposer.js';
import { FAMILY_FACTS } from '../../familyFacts.js';
import type { FamilySpec } from '../types.js';
import { drawForBin, letterOptions, namedLabel, sample, uniqueVisibleLabels } from './common.js';

type Level = 'easy' | 'medium' | 'hard';

const OPTIONS: Record<Level, string[]> = {
  easy: ['left', 'right'],
  medium: ['left', 'right', 'back'],
  hard: ['front-left', 'front-right', 'back-left', 'back-right'],
};

const BOUNDARIES: Record<Level, number[]> = { easy: [0, 180], medium: [0, 135], hard: [0, 90, 180] };

/** Distance in degrees from |angle| to the nearest answer boundary of the level. */
export function angleMargin(level: Level, angle: number): number {
  const a = Math.abs(angle);
  return Math.min(...BOUNDARIES[level].map((b) => Math.abs(a - b)));
}

const binOfMargin = (m: number): number => (m >= 30 ? 0 : m >= 15 ? 1 : 2);

function question(level: Level, p: string, o: string, x: string): string {
  const stem = `If I am standing by the ${p} and facing the ${o}, is the ${x}`;
  if (level === 'easy') return `${stem} to the left or the right of the ${o}?`;
  if (level === 'medium') return `${stem} to my left, right, or back? An object is to my back if I would have to turn at least 135 degrees in order to face it.`;
  return `${stem} to my front-left, front-right, back-left, or back-right? The directions refer to the quadrants of a Cartesian plane (if I am standing at the origin and facing along the positive y-axis).`;
}

function program(level: Level): string {
  const head = `const angle = scene.floorAngle(scene.unique(args.standingBy), scene.unique(args.facing), scene.unique(args.query));`;
  if (level === 'easy') return `${head}\nreturn angle > 0 ? "left" : "right";`;
  if (level === 'medium') return `${head}\nif (Math.abs(angle) >= 135) return "back";\nreturn angle > 0 ? "left" : "right";`;
  return `${head}\nconst side = angle > 0 ? "left" : "right";\nreturn (Math.abs(angle) < 90 ? "front-" : "back-") + side;`;
}

function relativeDirection(level: Level): FamilySpec {
  const id = `object_rel_direction_${level}` as Family;
  return {
    id,
    answerType: 'choice',
    facts: FAMILY_FACTS[id],
    definition: `Standing at the positioning object's centre facing the orienting object's centre, the floor-plane direction of the querying object's centre: ${OPTIONS[level].join(' / ')}.`,
    knobs: { angle: 'signed floor angle in degrees (+ = left)', angleMargin: 'degrees from the nearest answer boundary (bins: ≥ 30, 15–30, < 15)' },
    bins: 3,
    draft({ api, rng, bin }) {
      const labels = uniqueVisibleLabels(api);
      const drawn = drawForBin(
        bin,
        () => {
          const pick = sample(rng, labels, 3);
          return pick && { pick, angle: api.floorAngle(api.unique(pick[0]!), api.unique(pick[1]!), api.unique(pick[2]!)) };
        },
        ({ angle }) => binOfMargin(angleMargin(level, angle)),
      );
      if (!drawn) return { skip: 'fewer than three uniquely named, visible objects' };
      const [p, o, x] = drawn.pick as [string, string, string];
      const angle = drawn.angle;
      const margin = angleMargin(level, angle);
      return {
        family: id,
        answerType: 'choice',
        difficulty: { angle: Math.round(angle * 10) / 10, angleMargin: Math.round(margin * 10) / 10 },
        bin: binOfMargin(margin),
        question: question(level, p, o, x),
        options: letterOptions(OPTIONS[level]),
        program: program(level),
        args: { standingBy: p, facing: o, query: x },
        named: [p, o, x].map((label) => ({ label, role: 'unique' as const })),
      };
    },
    reference: (draft) => ({ program: program(level), args: { standingBy: namedLabel(draft, 0), facing: namedLabel(draft, 1), query: namedLabel(draft, 2) } }),
    margins(api, draft) {
      const [p, o, x] = draft.named.map((n) => api.unique(n.label));
      return {
        angleMargin: angleMargin(level, api.floorAngle(p!, o!, x!)),
        // Facing is ill-defined when the observer stands (nearly) on the orienting object.
        facingDistance: api.centerDistance(p!, o!),
        queryDistance: api.centerDistance(p!, x!),
      };
    },
    minMargins: { angleMargin: 7.5, facingDistance: 0.5, queryDistance: 0.3 },
  };
}

export const objectRelDirectionEasy = relativeDirection('easy');
export const objectRelDirectionMedium = relativeDirection('medium');
export const objectRelDirectionHard = relativeDirection('hard');
