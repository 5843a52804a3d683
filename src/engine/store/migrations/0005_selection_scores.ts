/**
 * What the selection rules rank by, per answered question: p̂ (the probability of answering right, for the
 * learnability rule), the teacher-forced loss, the irreducible-loss model's loss on the same question (for
 * RHO-LOSS's reducible loss), and the score the run's rule gave the question. Stored so a decision can be
 * audited after the fact ("why was this trained on and that not?"). Older rows have NULL: they were answered
 * before the rules existed.
 */
import type { Migration } from './types.js';

export const migration0005: Migration = {
  version: 5,
  name: 'solver output selection scores',
  up(db) {
    db.exec(`
      ALTER TABLE solver_outputs ADD COLUMN p_correct REAL;
      ALTER TABLE solver_outputs ADD COLUMN loss REAL;
      ALTER TABLE solver_outputs ADD COLUMN reference_loss REAL;
      ALTER TABLE solver_outputs ADD COLUMN selection_score REAL;
    `);
  },
};
