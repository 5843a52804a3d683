/**
 * The no-feedback baseline: every generatable cell gets the same weight whatever the solver said, so a run
 * with it measures what the feedback loop adds. Samples still appear in the decision's stats for comparison.
 */
import { decideWith } from './pipeline.js';
import type { ControllerStrategy } from './types.js';

export function uniformStrategy(): ControllerStrategy {
  return {
    name: 'uniform',
    decide: (input) =>
      decideWith('uniform', {}, input, ({ cells }) => ({
        weights: cells.map(() => 1),
        scores: null,
        summary: ['uniform: equal weight per cell, samples ignored (no-feedback baseline)'],
        familyNotes: new Map(),
      })),
  };
}
