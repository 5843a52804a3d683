import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/shared/random.js';
import { permuteChoiceOptions } from '../../../src/engine/solver/solver.js';
import type { SolverQuestion } from '../../../src/engine/solver/features.js';

const order: SolverQuestion = {
  family: 'obj_appearance_order',
  question: 'What will be the first-time appearance order of the following categories in the video: chair, plant, tv, whiteboard?',
  options: ['A. chair, plant, tv, whiteboard', 'B. chair, whiteboard, tv, plant', 'C. tv, chair, plant, whiteboard', 'D. plant, tv, whiteboard, chair'],
  answerType: 'choice',
  answer: 'C',
};

describe('option permutation (training augmentation)', () => {
  it('reorders the options, relabels them A…, and the answer letter follows the right option', () => {
    const seen = new Set<string>();
    for (let s = 0; s < 20; s++) {
      const q = permuteChoiceOptions(order, createRng(s));
      expect(q.options!.map((o) => o.slice(0, 3))).toEqual(['A. ', 'B. ', 'C. ', 'D. ']);
      expect([...q.options!].map((o) => o.slice(3)).sort()).toEqual(order.options!.map((o) => o.slice(3)).sort());
      const letter = q.answer as string;
      expect(q.options!['ABCD'.indexOf(letter)]).toBe('' + letter + '. tv, chair, plant, whiteboard');
      seen.add(letter);
    }
    expect(seen.size).toBeGreaterThan(2);
  });

  it('is seeded, and leaves numeric questions and questions without a ground truth alone', () => {
    expect(permuteChoiceOptions(order, createRng(3))).toEqual(permuteChoiceOptions(order, createRng(3)));
    const numeric: SolverQuestion = { family: 'object_counting', question: 'How many chair(s) are in this room?', answerType: 'number', answer: 4 };
    expect(permuteChoiceOptions(numeric, createRng(1))).toBe(numeric);
    const direction: SolverQuestion = { family: 'object_rel_direction_easy', question: 'If I am standing by the sofa and facing the tv, is the lamp to my left or right?', options: ['A. left', 'B. right'], answerType: 'choice', answer: 'A' };
    expect(permuteChoiceOptions(direction, createRng(1))).toBe(direction);
    const unanswered = { ...order, answer: undefined };
    expect(permuteChoiceOptions(unanswered, createRng(1))).toBe(unanswered);
  });
});
