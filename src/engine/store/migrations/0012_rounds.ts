/**
 * One word for a round of the loop. The schema said `iterations.idx` and `iteration` while records, the CLI and the
 * UI said index, round and Iteration; everything now says round. SQLite's RENAME rewrites the indexes, the view, the
 * trigger and the foreign keys that name the old table and columns. A run's stored settings said `iterations` for
 * how many rounds it runs: they now say `rounds`, which the loop reads on resume.
 */
import type { Migration } from './types.js';

export const migration0012: Migration = {
  version: 12,
  name: 'rounds',
  up(db) {
    db.exec(`
      ALTER TABLE iterations RENAME TO rounds;
      ALTER TABLE rounds RENAME COLUMN idx TO round;
      ALTER TABLE qa RENAME COLUMN iteration TO round;
      ALTER TABLE qa RENAME COLUMN bucket_iteration TO bucket_round;
      ALTER TABLE qa RENAME COLUMN trained_iteration TO trained_round;
      ALTER TABLE checkpoints RENAME COLUMN iteration TO round;
      ALTER TABLE solver_outputs RENAME COLUMN iteration TO round;
      ALTER TABLE training_stats RENAME COLUMN iteration TO round;
      ALTER TABLE metrics RENAME COLUMN iteration TO round;
      ALTER TABLE controller_decisions RENAME COLUMN iteration TO round;
      UPDATE runs SET config = json_remove(json_set(config, '$.rounds', json_extract(config, '$.iterations')), '$.iterations')
      WHERE json_type(config, '$.iterations') IS NOT NULL;
    `);
  },
};
