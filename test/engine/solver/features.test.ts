import { describe, expect, it } from 'vitest';
import { ANSWER_CLASSES } from '../../../src/engine/solver/answers.js';
import {
  DETECTION_FEATURES,
  FEATURE_COUNT,
  INPUTS,
  OPTION_SLOT0,
  encodeSample,
  stackBatch,
  type SolverQuestion,
} from '../../../src/engine/solver/features.js';
import { defaultVocabulary } from '../../../src/engine/solver/tokenizer.js';
import type { Detection, FrameObservation, Observation } from '../../../src/shared/observation.js';
import { defaultPerceptionConfig } from '../../../src/shared/observation.js';
import type { Mat4 } from '../../../src/shared/scene.js';

const vocab = defaultVocabulary();
const config = { maxQuestionTokens: 48, maxDetections: 16 };
const INTR = { fx: 500, fy: 500, cx: 320, cy: 240 };

/** Camera at c looking along +x, level: right = −y, down = −z, forward = +x. */
const lookingAlongX = (c: [number, number, number]): Mat4 => [0, 0, 1, c[0], -1, 0, 0, c[1], 0, -1, 0, c[2], 0, 0, 0, 1];

const det = (label: string, u: number, v: number, depth: number, score = 0.9): Detection => ({
  label,
  box: [u - 20, v - 20, u + 20, v + 20],
  depth,
  visibleFraction: 1,
  score,
});

function frame(index: number, detections: Detection[], pose?: Mat4): FrameObservation {
  return { frame: index, timestamp: index / 10, ...(pose ? { egoPose: pose } : {}), intrinsics: { ...INTR }, width: 640, height: 480, detections };
}

const observation = (frames: FrameObservation[]): Observation => ({ sceneId: 'hand-made', config: defaultPerceptionConfig(0), frames });

const feature = (e: ReturnType<typeof encodeSample>, j: number, name: (typeof DETECTION_FEATURES)[number]): number =>
  e.features[j * FEATURE_COUNT + DETECTION_FEATURES.indexOf(name)]!;

const counting: SolverQuestion = { id: 'q1', family: 'object_counting', answerType: 'number', question: 'How many chair(s) are in this room?', answer: 2 };

describe('solver features', () => {
  it('lifts a detection to the world from box centre, estimated depth, intrinsics and ego pose', () => {
    const c: [number, number, number] = [1, 2, 1.5];
    // Box centre half a focal length right of the principal point at depth 2: one metre to the camera's right.
    const e = encodeSample({ qa: counting, observation: observation([frame(0, [det('chair', 320 + 250, 240, 2)], lookingAlongX(c))]) }, vocab, config);
    expect(feature(e, 0, 'camera_frame_x')).toBeCloseTo(1 / 4, 6);
    expect(feature(e, 0, 'camera_frame_z')).toBeCloseTo(2 / 4, 6);
    // World (3, 1, 1.5), relative to the mean camera position (the only camera): (2, −1, 0), in 4 m units.
    expect(feature(e, 0, 'world_x')).toBeCloseTo(2 / 4, 6);
    expect(feature(e, 0, 'world_y')).toBeCloseTo(-1 / 4, 6);
    expect(feature(e, 0, 'world_z')).toBeCloseTo(0, 6);
    expect(feature(e, 0, 'forward_x')).toBeCloseTo(1, 6);
    expect(feature(e, 0, 'has_pose')).toBe(1);
    // A 40 px box at 2 m with f = 500 px is 16 cm wide (feature in units of 2 m).
    expect(feature(e, 0, 'metric_width')).toBeCloseTo(0.16 / 2, 6);
  });

  it('leaves world features at zero without ego pose, and keeps camera-frame ones', () => {
    const e = encodeSample({ qa: counting, observation: observation([frame(0, [det('chair', 320, 240, 3)])]) }, vocab, config);
    expect(feature(e, 0, 'has_pose')).toBe(0);
    expect(feature(e, 0, 'world_x')).toBe(0);
    expect(feature(e, 0, 'camera_frame_z')).toBeCloseTo(3 / 4, 6);
  });

  it('binds option labels to option slots and the reference to a named slot, in question and detections', () => {
    const qa: SolverQuestion = {
      family: 'object_rel_distance',
      answerType: 'choice',
      question: 'Measuring from the closest point of each object, which of these objects (sofa, tv stand, lamp) is the closest to the bed?',
      options: ['A. sofa', 'B. tv stand', 'C. lamp'],
      answer: 'B',
    };
    const o = observation([frame(0, [det('bed', 100, 100, 2), det('tv stand', 200, 100, 2), det('table', 300, 100, 2), det('lamp', 400, 100, 2)], lookingAlongX([0, 0, 1]))]);
    const e = encodeSample({ qa, observation: o }, vocab, config);
    const words = vocab.decode(Array.from(e.tokens, Number));
    const slotOfWord = (w: string): number => Number(e.slots[words.indexOf(w)]);
    expect(slotOfWord('bed')).toBe(1);
    expect(slotOfWord('sofa')).toBe(OPTION_SLOT0);
    expect(slotOfWord('stand')).toBe(OPTION_SLOT0 + 1);
    expect(slotOfWord('lamp')).toBe(OPTION_SLOT0 + 2);
    const tq = config.maxQuestionTokens;
    expect(Array.from(e.slots.subarray(tq, tq + 4), Number)).toEqual([1, OPTION_SLOT0 + 1, 0, OPTION_SLOT0 + 2]);
    // Option tokens sit after [SEP] with their option's segment id and no letter prefix.
    const sep = words.indexOf('[SEP]');
    expect(words.slice(sep + 1, sep + 5)).toEqual(['sofa', 'tv', 'stand', 'lamp']);
    expect(Array.from(e.segments.subarray(sep + 1, sep + 5), Number)).toEqual([1, 2, 2, 3]);
    expect(e.answer).toBe(1);
  });

  it('numbers named objects in order of mention and tags option words that name them', () => {
    const qa: SolverQuestion = {
      family: 'obj_appearance_order',
      answerType: 'choice',
      question: 'What will be the first-time appearance order of the following categories in the video: lamp, chair, sofa, coffee table?',
      options: ['A. chair, lamp, sofa, coffee table', 'B. lamp, chair, sofa, coffee table', 'C. sofa, lamp, chair, coffee table', 'D. coffee table, sofa, chair, lamp'],
      named: [{ label: 'lamp' }, { label: 'chair' }, { label: 'sofa' }, { label: 'coffee table' }],
    };
    const e = encodeSample({ qa, observation: observation([frame(0, [det('coffee table', 1, 1, 1), det('table', 5, 5, 1)])]) }, vocab, config);
    const words = vocab.decode(Array.from(e.tokens, Number));
    const sep = words.indexOf('[SEP]');
    expect(words.slice(sep + 1, sep + 6)).toEqual(['chair', 'lamp', 'sofa', 'coffee', 'table']);
    expect(Array.from(e.slots.subarray(sep + 1, sep + 6), Number)).toEqual([2, 1, 3, 4, 4]);
    // "coffee table" is matched whole, so a plain table detection is not bound to it.
    const tq = config.maxQuestionTokens;
    expect(Array.from(e.slots.subarray(tq, tq + 2), Number)).toEqual([4, 0]);
  });

  it('keeps the named label’s detections first, then the highest scores, deterministically', () => {
    const frames = [
      frame(0, [det('sofa', 10, 10, 1, 0.99), det('chair', 20, 20, 1, 0.2), det('lamp', 30, 30, 1, 0.98)]),
      frame(1, [det('bed', 10, 10, 1, 0.97), det('chair', 20, 20, 1, 0.1), det('tv', 40, 40, 1, 0.5)]),
    ];
    const small = { maxQuestionTokens: 24, maxDetections: 3 };
    const a = encodeSample({ qa: counting, observation: observation(frames) }, vocab, small);
    const b = encodeSample({ qa: counting, observation: observation([...frames].reverse()) }, vocab, small);
    const labels = Array.from(a.labels, (id) => vocab.labels[Number(id) - 1]);
    // Both chairs (named) despite their low scores, then the best other: the sofa; in frame order.
    expect(labels).toEqual(['sofa', 'chair', 'chair']);
    expect(a.stats).toMatchObject({ detections: 6, keptDetections: 3 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(Array.from(b.features)).toEqual(Array.from(a.features));
  });

  it('keeps exactly what sorting every detection by (named, score, position) keeps, with ties and many questions per observation', () => {
    // The kept set comes from the observation's precomputed confidence order; this is the definition it must match.
    const labels = ['chair', 'sofa', 'lamp', 'table', 'bed', 'tv'];
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const frames = Array.from({ length: 8 }, (_, f) =>
      frame(f, Array.from({ length: 9 }, (_, d) => det(labels[Math.floor(rand() * labels.length)]!, 40 + 60 * d, 100 + f, 1 + d / 4, Math.floor(rand() * 4) / 4))),
    );
    const o = observation(frames);
    const all = frames.flatMap((f) => f.detections);
    const small = { maxQuestionTokens: 24, maxDetections: 20 };
    for (const label of ['chair', 'tv', 'lamp', 'nothing']) {
      const qa: SolverQuestion = { ...counting, question: `How many ${label}(s) are in this room?`, named: [{ label }] };
      const named = all.map((d) => Number(d.label === label));
      const expected = all
        .map((_, i) => i)
        .sort((a, b) => named[b]! - named[a]! || all[b]!.score - all[a]!.score || a - b)
        .slice(0, small.maxDetections)
        .sort((a, b) => a - b);
      const e = encodeSample({ qa, observation: o }, vocab, small);
      expect(Array.from(e.labels, Number)).toEqual(expected.map((p) => vocab.labelId(all[p]!.label)));
      expect(Array.from(e.features.filter((_, i) => i % FEATURE_COUNT === DETECTION_FEATURES.indexOf('score')))).toEqual(expected.map((p) => Math.fround(all[p]!.score)));
    }
  });

  it('marks the detections of the frame a question refers to', () => {
    const qa: SolverQuestion = {
      family: 'camera_object_distance',
      answerType: 'number',
      question: 'In frame 6 of 40 of the video, how far is the camera from the closest point of the sofa (in meters)?',
      answer: 1.7,
    };
    const o = observation([0, 4, 8].map((f) => frame(f, [det('sofa', 320, 240, 1 + f / 4)], lookingAlongX([0, 0, 1]))));
    const e = encodeSample({ qa, observation: o }, vocab, config);
    // Frame 6 (1-based) is trajectory frame 5; the nearest observed frame is 4.
    expect([0, 1, 2].map((j) => feature(e, j, 'question_frame'))).toEqual([0, 1, 0]);
    const explicit = encodeSample({ qa: { ...qa, frame: 8 }, observation: o }, vocab, config);
    expect([0, 1, 2].map((j) => feature(explicit, j, 'question_frame'))).toEqual([0, 0, 1]);
  });

  it('cuts a long question’s tail before its options', () => {
    const qa: SolverQuestion = {
      family: 'object_rel_direction_hard',
      answerType: 'choice',
      question:
        'If I am standing by the sofa and facing the bed, is the lamp to my front-left, front-right, back-left, or back-right? The directions refer to the quadrants of a Cartesian plane (if I am standing at the origin and facing along the positive y-axis).',
      options: ['A. front-left', 'B. front-right', 'C. back-left', 'D. back-right'],
      answer: 'C',
    };
    const e = encodeSample({ qa, observation: observation([]) }, vocab, config);
    const words = vocab.decode(Array.from(e.tokens, Number));
    expect(words).toHaveLength(48);
    expect(words.slice(-8)).toEqual(['front', 'left', 'front', 'right', 'back', 'left', 'back', 'right']);
    expect(e.stats.truncatedWords).toBeGreaterThan(0);
    // The part that tells the levels apart survives; the boilerplate at the end does not.
    expect(words.slice(0, 40).join(' ')).toContain('to my front - left , front - right , back - left , or back - right ?');
    expect(words).not.toContain('axis');
  });

  it('refuses non-finite numbers, naming the sample and the field', () => {
    const bad = observation([frame(0, [det('chair', 10, 10, Number.NaN)])]);
    expect(() => encodeSample({ qa: counting, observation: bad }, vocab, config)).toThrow(/sample "q1"\.frames\[0\]\.detections\[0\]\.depth: expected a finite number, found NaN/);
    // What is read from an observation is kept per observation, but only when valid: the next question about the
    // same bad observation is refused too, naming its own sample.
    expect(() => encodeSample({ qa: { ...counting, id: 'q9' }, observation: bad }, vocab, config)).toThrow(/sample "q9"\.frames\[0\]\.detections\[0\]\.depth: expected a finite number/);
    const pose = lookingAlongX([0, 0, 1]);
    pose[3] = Number.POSITIVE_INFINITY;
    expect(() => encodeSample({ qa: counting, observation: observation([frame(0, [], pose)]) }, vocab, config)).toThrow(/egoPose\[3\]/);
    expect(() => encodeSample({ qa: { ...counting, answer: Number.NaN }, observation: observation([]) }, vocab, config)).toThrow(/answer.*finite/);
    expect(() => encodeSample({ qa: { ...counting, answer: undefined }, observation: observation([]) }, vocab, config, 0, { answers: 'require' })).toThrow(/ground-truth answer/);
    const oneOption: SolverQuestion = { id: 'q2', family: 'object_rel_size', answerType: 'choice', question: 'Which is largest?', options: ['A. sofa'] };
    expect(() => encodeSample({ qa: oneOption, observation: observation([]) }, vocab, config)).toThrow(/sample "q2"\.options: a choice question needs 2–6 options, got 1/);
  });

  it('stacks samples into fixed-shape feeds', () => {
    const e = encodeSample({ qa: counting, observation: observation([frame(0, [det('chair', 10, 10, 1)])]) }, vocab, config);
    const feeds = stackBatch([e], [0, 0, 0], config);
    expect(feeds[INPUTS.tokens]!.length).toBe(3 * 48);
    expect(feeds[INPUTS.features]!.length).toBe(3 * 16 * FEATURE_COUNT);
    expect(feeds[INPUTS.mask]!.length).toBe(3 * 64);
    expect(feeds[INPUTS.target]!.length).toBe(3 * ANSWER_CLASSES);
    expect(Array.from(feeds[INPUTS.answer] as BigInt64Array)).toEqual([BigInt(e.answer!), BigInt(e.answer!), BigInt(e.answer!)]);
  });
});
