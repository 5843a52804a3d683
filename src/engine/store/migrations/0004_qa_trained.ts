/**
 * Which round trained on a question. Acceptance by the filters is not the same as being trained on: the
 * closed loop skips questions the solver already finds easy and caps a round at K × B samples, and a static
 * dataset's questions are all proposed in round 0 but trained on over every round. Samples-seen curves and
 * "what did round k train on" need the fact itself.
 */
import type { Migration } from './types.js';

export const migration0004: Migration = {
  version: 4,
  name: 'qa trained iteration',
  up(db) {
    db.exec(`
      ALTER TABLE qa ADD COLUMN trained_iteration INTEGER;
      CREATE INDEX qa_by_trained ON qa(run_id, trained_iteration) WHERE trained_iteration IS NOT NULL;
    `);
  },
};
