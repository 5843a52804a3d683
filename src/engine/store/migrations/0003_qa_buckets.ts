/**
 * The controller and the QA browser filter questions by the solver's bucket. The bucket lives on solver
 * outputs (a question may be answered again in later rounds), so a filter would need a "latest output per
 * question" subquery over the biggest table. Keep the latest (by iteration) bucket and confidence on the
 * question itself, maintained by a trigger so every writer keeps it right, backfilled here, and indexed with
 * the columns the queries filter on. The view counts buckets per cell of the generation mix (scene, family,
 * bin): what the controller reads each round.
 */
import type { Migration } from './types.js';

export const migration0003: Migration = {
  version: 3,
  name: 'qa buckets',
  up(db) {
    db.exec(`
      ALTER TABLE qa ADD COLUMN bucket TEXT CHECK (bucket IN ('easy', 'frontier', 'hard'));
      ALTER TABLE qa ADD COLUMN confidence REAL;
      ALTER TABLE qa ADD COLUMN bucket_iteration INTEGER;

      UPDATE qa SET (bucket, confidence, bucket_iteration) = (
        SELECT s.bucket, s.confidence, s.iteration FROM solver_outputs s
        WHERE s.qa_id = qa.id ORDER BY s.iteration DESC, s.id DESC LIMIT 1
      )
      WHERE EXISTS (SELECT 1 FROM solver_outputs s WHERE s.qa_id = qa.id);

      CREATE TRIGGER solver_outputs_set_qa_bucket AFTER INSERT ON solver_outputs
      BEGIN
        UPDATE qa SET bucket = NEW.bucket, confidence = NEW.confidence, bucket_iteration = NEW.iteration
        WHERE id = NEW.qa_id AND (bucket_iteration IS NULL OR bucket_iteration <= NEW.iteration);
      END;

      -- One index serves run, run+iteration, +family and +bucket filters; a run-wide bucket filter scans the run's
      -- index entries without touching rows. A second (run, bucket) index halved solver-output insert speed,
      -- since every answer rewrites its question's index entries.
      DROP INDEX qa_by_run;
      CREATE INDEX qa_by_run ON qa(run_id, iteration, family, bucket);

      CREATE VIEW qa_bucket_counts AS
        SELECT run_id, iteration, scene_id, family, bin, bucket, count(*) AS n
        FROM qa WHERE verdict = 'accepted'
        GROUP BY run_id, iteration, scene_id, family, bin, bucket;
    `);
  },
};
