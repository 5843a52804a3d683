/**
 * The QA browser shows each question's latest prediction beside its latest confidence and bucket. Reading it from
 * solver outputs per row cost one request per visible row, so the question keeps its latest prediction too, set by
 * the same trigger (and the same "latest by iteration, then newest" rule) as 0003's bucket and confidence, and
 * backfilled here.
 */
import type { Migration } from './types.js';

export const migration0010: Migration = {
  version: 10,
  name: 'qa prediction',
  up(db) {
    db.exec(`
      ALTER TABLE qa ADD COLUMN prediction TEXT;

      UPDATE qa SET prediction = (
        SELECT s.prediction FROM solver_outputs s
        WHERE s.qa_id = qa.id ORDER BY s.iteration DESC, s.id DESC LIMIT 1
      )
      WHERE EXISTS (SELECT 1 FROM solver_outputs s WHERE s.qa_id = qa.id);

      DROP TRIGGER solver_outputs_set_qa_bucket;
      CREATE TRIGGER solver_outputs_set_qa_latest AFTER INSERT ON solver_outputs
      BEGIN
        UPDATE qa SET bucket = NEW.bucket, confidence = NEW.confidence, prediction = NEW.prediction, bucket_iteration = NEW.iteration
        WHERE id = NEW.qa_id AND (bucket_iteration IS NULL OR bucket_iteration <= NEW.iteration);
      END;
    `);
  },
};
