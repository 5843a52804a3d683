/**
 * The shortcut filter's behaviour (src/engine/proposer/filters/shortcut.ts): a blind baseline that sees only the
 * question text, fitted out-of-fold by scene, rejects what it answers right with high confidence. Question sets
 * are built by hand so which ones are answerable blind is known; the last block runs the real pipeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Family, NamedObject } from '../../../../src/shared/proposer.js';
import { createRng } from '../../../../src/shared/random.js';
import { BlindBaseline, DEFAULT_SHORTCUT, shortcutVerdicts } from '../../../../src/engine/proposer/filters/shortcut.js';
import { runProposalRound } from '../../../../src/engine/proposer/pipeline.js';
import type { ProgramObject } from '../../../../src/engine/proposer/program/types.js';
import type { ProgramRunner } from '../../../../src/engine/proposer/runner.js';
import { createSandboxRunner } from '../../../../src/engine/proposer/sandboxRunner.js';
import type { FilterVerdict, QA } from '../../../../src/engine/proposer/types.js';
import { handData, handPrepared, LIVING_ROOM } from '../handScenes.js';

const SCENES = Array.from({ length: 12 }, (_, i) => `scene-${String(i).padStart(2, '0')}`);

let serial = 0;
function numeric(sceneId: string, family: Family, labels: string[], answer: number, question: string): QA {
  const named: NamedObject[] = labels.map((label) => ({ label, role: 'unique' }));
  return { id: `${sceneId}/${family}/${serial++}`, sceneId, family, proposer: 'test', difficulty: {}, bin: 0, question, answerType: 'number', program: '', named, seed: 0, answer, filterVerdicts: [], verdict: 'accepted' };
}

/** "Which of these (…) is the closest to the <reference>?" with the options in the given order. */
function closest(sceneId: string, reference: string, options: string[], correct: string): QA {
  const letter = String.fromCharCode(65 + options.indexOf(correct));
  return {
    ...numeric(sceneId, 'object_rel_distance', [reference, ...options], 0, `Which of these objects (${options.join(', ')}) is the closest to the ${reference}?`),
    answerType: 'choice',
    options: options.map((o, i) => `${String.fromCharCode(65 + i)}. ${o}`),
    answer: letter,
  };
}

const rotate = <T>(xs: T[], k: number): T[] => xs.map((_, i) => xs[(i + k) % xs.length]!);
const verdictOf = (verdicts: Map<QA, FilterVerdict>, qa: QA): FilterVerdict => {
  const v = verdicts.get(qa);
  if (!v) throw new Error(`no shortcut verdict for ${qa.id}`);
  return v;
};
/** The blind model's answer, as the verdict's reason quotes it. */
const predictionOf = (v: FilterVerdict): string => /(?:answers (\S+) with|\((\S+)\) at) confidence/.exec(v.reason ?? '')?.slice(1).find((s) => s !== undefined) ?? `none: ${v.reason}`;

/**
 * Per scene: the sofa, tv and lamp once each and 2 + i chairs (so "how many sofas" is always 1 and "how many
 * chairs" varies), "closest to the sofa" always the lamp whatever the option order, "closest to the bed" a
 * different option from scene to scene.
 */
function questionSet(): { blind: QA[]; needsScene: QA[]; all: QA[] } {
  const blind: QA[] = [];
  const needsScene: QA[] = [];
  SCENES.forEach((s, i) => {
    blind.push(numeric(s, 'object_counting', ['sofa'], 1, 'How many sofa(s) are in this room?'));
    blind.push(closest(s, 'sofa', rotate(['lamp', 'tv', 'plant'], i), 'lamp'));
    needsScene.push(numeric(s, 'object_counting', ['chair'], 2 + i, 'How many chair(s) are in this room?'));
    needsScene.push(closest(s, 'bed', rotate(['desk', 'chair', 'lamp'], i), ['desk', 'chair', 'lamp'][i % 3]!));
  });
  return { blind, needsScene, all: [...blind, ...needsScene] };
}

describe('the shortcut filter on question sets built by hand', () => {
  it('drops questions whose answer the question text predicts, and keeps those that need the scene', () => {
    const { blind, needsScene, all } = questionSet();
    const verdicts = shortcutVerdicts(all);
    expect(verdicts.size).toBe(all.length);
    for (const qa of blind) {
      const v = verdictOf(verdicts, qa);
      expect(v.passed, `${qa.id} ${qa.question}: ${v.reason}`).toBe(false);
      expect(v.value!).toBeGreaterThanOrEqual(DEFAULT_SHORTCUT.maxConfidence);
      expect(v.reason).toMatch(/^answerable blind: question-only prior answers/);
      expect(predictionOf(v)).toBe(String(qa.answer));
    }
    for (const qa of needsScene) {
      const v = verdictOf(verdicts, qa);
      expect(v.passed, `${qa.id} ${qa.question}: ${v.reason}`).toBe(true);
      expect(v.value!).toBeLessThan(DEFAULT_SHORTCUT.maxConfidence);
    }
  });

  it('a confident blind answer that is wrong is kept: only a right one is a shortcut', () => {
    const { all } = questionSet();
    // One scene whose sofa count breaks the pattern: the prior still says 1, confidently, and is wrong.
    const odd = numeric('scene-odd', 'object_counting', ['sofa'], 3, 'How many sofa(s) are in this room?');
    const v = verdictOf(shortcutVerdicts([...all, odd]), odd);
    expect(v.value!).toBeGreaterThanOrEqual(DEFAULT_SHORTCUT.maxConfidence);
    expect(predictionOf(v)).toBe('1');
    expect(v.passed, v.reason).toBe(true);
    expect(v.reason).toMatch(/^blind prior wrong/);
  });

  it('with one scene there is nothing to fit out of fold: every question passes and says why', () => {
    const one = SCENES.slice(0, 1).flatMap((s) => Array.from({ length: 8 }, () => numeric(s, 'object_counting', ['sofa'], 1, 'How many sofa(s) are in this room?')));
    for (const v of shortcutVerdicts(one).values()) expect(v).toEqual({ filter: 'shortcut', passed: true, reason: 'no prior fitted for this question (too little data)' });
  });
});

describe('out of fold: a scene never informs its own blind predictions', () => {
  /**
   * Six questions about one scene's piano (the camera's distance to it in six frames, all about 2 m) and, in the
   * other scenes, distances to other objects spread from 0.8 to 4.5 m. Fitted on everything, the piano's own
   * answers make "piano → 2 m" a confident, right prior; out of fold the piano's scene is held out, the label
   * has no data left, and the family prior (spread out) is not confident.
   */
  function pianoSet(): { piano: QA[]; all: QA[] } {
    const piano = [2.0, 2.02, 2.04, 1.98, 2.01, 2.03].map((d, f) => numeric('scene-piano', 'camera_object_distance', ['piano'], d, `In frame ${f + 1} of 10 of the video, how far is the camera from the closest point of the piano (in meters)?`));
    const others = SCENES.flatMap((s, i) =>
      ['sofa', 'tv', 'lamp'].map((label, j) => numeric(s, 'camera_object_distance', [label], Math.round((0.8 + ((i * 3 + j) * 3.7) / 35) * 100) / 100, `How far is the camera from the ${label}?`)),
    );
    return { piano, all: [...others, ...piano] };
  }

  it('fitted in fold the piano questions would be rejected; out of fold they are kept', () => {
    const { piano, all } = pianoSet();
    const inFold = new BlindBaseline().fit(all);
    for (const qa of piano) {
      const p = inFold.predict(qa)!;
      expect(p.correct && p.confidence >= DEFAULT_SHORTCUT.maxConfidence, `in fold ${qa.id}: ${JSON.stringify(p)}`).toBe(true);
    }
    const verdicts = shortcutVerdicts(all);
    for (const qa of piano) {
      const v = verdictOf(verdicts, qa);
      expect(v.passed, `${qa.id}: ${v.reason}`).toBe(true);
      expect(v.value!).toBeLessThan(DEFAULT_SHORTCUT.maxConfidence);
    }
  });

  it("changing every answer of one scene changes none of that scene's predictions or confidences", () => {
    const { all } = questionSet();
    const before = shortcutVerdicts(all);
    for (const scene of [SCENES[0]!, SCENES[5]!, SCENES[11]!]) {
      // Numbers ×7 and choices moved to another letter: in fold, every one of these would move its own prior.
      const changed = all.map((qa) => {
        if (qa.sceneId !== scene) return qa;
        const answer = typeof qa.answer === 'number' ? qa.answer * 7 : String.fromCharCode(65 + ((qa.answer!.toString().charCodeAt(0) - 65 + 1) % qa.options!.length));
        return { ...qa, answer };
      });
      const after = shortcutVerdicts(changed);
      changed.forEach((qa, i) => {
        const a = verdictOf(after, qa);
        const b = verdictOf(before, all[i]!);
        if (qa.sceneId === scene) {
          expect(a.value, `${qa.id} confidence`).toBe(b.value);
          expect(predictionOf(a), `${qa.id} prediction`).toBe(predictionOf(b));
        }
      });
      // The changed scene does inform the other folds' priors: the test would pass vacuously otherwise.
      expect(changed.some((qa, i) => qa.sceneId !== scene && verdictOf(after, qa).value !== verdictOf(before, all[i]!).value)).toBe(true);
    }
  });
});

describe('determinism', () => {
  it('the same questions in any order get the same verdicts', () => {
    const { all } = questionSet();
    const reference = shortcutVerdicts(all);
    for (const seed of [1, 2, 3]) {
      const shuffled = createRng(seed).shuffle([...all]);
      const again = shortcutVerdicts(shuffled);
      for (const qa of shuffled) expect(verdictOf(again, qa), qa.id).toEqual(verdictOf(reference, qa));
    }
  });
});

describe('pooled fold statistics', () => {
  it('a baseline combined from parts predicts exactly what one fitted on all their samples predicts', () => {
    const { all } = questionSet();
    const extra = SCENES.map((s, i) => numeric(s, 'object_abs_distance', ['sofa', 'tv'], 1 + (i % 4) * 0.37, 'How far is the sofa from the tv?'));
    const samples = [...all, ...extra];
    const parts = [0, 1, 2].map((k) => new BlindBaseline().fit(samples.filter((_, i) => i % 3 === k)));
    const pooled = BlindBaseline.combine(parts);
    const direct = new BlindBaseline().fit(samples);
    for (const qa of samples) expect(pooled.predict(qa), qa.id).toEqual(direct.predict(qa));
    // Combining leaves the parts as they were.
    expect(parts.map((p) => samples.map((qa) => p.predict(qa)))).toEqual([0, 1, 2].map((k) => samples.map((qa) => new BlindBaseline().fit(samples.filter((_, i) => i % 3 === k)).predict(qa))));
  });
});

describe('in the proposal pipeline (hand-built rooms, sandboxed programs)', () => {
  let runner: ProgramRunner;
  beforeAll(async () => {
    runner = await createSandboxRunner();
  });
  afterAll(() => runner.dispose());

  /** Twelve rooms: one sofa, tv and lamp each, and 1 to 12 chairs in a row along the back wall. */
  const rooms = SCENES.map((id, i) => {
    const base = LIVING_ROOM.filter((o) => o.label !== 'chair');
    const chairs: ProgramObject[] = Array.from({ length: i + 1 }, (_, k) => ({ id: 10 + k, label: 'chair', center: [-4 + 0.7 * k, -3, 0.45], extents: [0.5, 0.5, 0.9], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1] }));
    return handPrepared(handData([...base, ...chairs]), `hand:${id}`);
  });
  const round = (seed: number) =>
    runProposalRound({
      scenes: rooms,
      requests: rooms.flatMap((r) => [0, 1, 2].map((bin) => ({ sceneId: r.scene.id, family: 'object_counting' as const, bin, count: 4 }))),
      seed,
      runner,
    });

  it('is on by default: single-instance counts (always 1) are rejected by it, chair counts (1 to 12) are kept', async () => {
    const { qa, stats } = await round(5);
    const reached = qa.filter((q) => q.filterVerdicts.some((v) => v.filter === 'shortcut'));
    const singles = reached.filter((q) => q.named[0]!.label !== 'chair');
    const chairs = reached.filter((q) => q.named[0]!.label === 'chair');
    expect(singles.length).toBeGreaterThanOrEqual(6);
    expect(chairs.length).toBeGreaterThanOrEqual(6);
    for (const q of singles) {
      expect(q.answer).toBe(1);
      expect(q.rejectedBy, `${q.id}: ${q.question}`).toBe('shortcut');
    }
    for (const q of chairs) expect(q.verdict, `${q.id}: ${q.question} ${JSON.stringify(q.filterVerdicts)}`).toBe('accepted');
    expect(stats.find((s) => s.family === 'object_counting')!.removedBy.shortcut).toBe(singles.length);
  });

  it('the same seed gives the same verdicts, reasons and confidences', async () => {
    const summary = (r: Awaited<ReturnType<typeof round>>) => r.qa.map((q) => ({ id: q.id, verdict: q.verdict, rejectedBy: q.rejectedBy, shortcut: q.filterVerdicts.find((v) => v.filter === 'shortcut') }));
    const [a, b] = [summary(await round(9)), summary(await round(9))];
    expect(a.some((q) => q.shortcut !== undefined)).toBe(true);
    expect(b).toEqual(a);
  });
});
