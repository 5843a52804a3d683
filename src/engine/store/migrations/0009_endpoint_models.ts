/**
 * Models registered for a run whose endpoint model is trained by hand (LoopConfig.awaitModel): after round k's
 * samples are exported the run waits, and the user registers the model trained on them; rounds after k ask it.
 * Keyed by the number of training rounds the model has had (k + 1).
 */
import type { Migration } from './types.js';

export const migration0009: Migration = {
  version: 9,
  name: 'endpoint models',
  up(db) {
    db.exec(`
      CREATE TABLE endpoint_models (
        run_id         TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        rounds_trained INTEGER NOT NULL CHECK (rounds_trained >= 1),
        model          TEXT NOT NULL CHECK (length(model) BETWEEN 1 AND 500),
        created_at     INTEGER NOT NULL,
        PRIMARY KEY (run_id, rounds_trained)
      ) WITHOUT ROWID;
    `);
  },
};
