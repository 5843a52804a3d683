/**
 * A researcher's own labels on runs: notes as a column of `runs`, tags as rows of `run_tags` (one per run and tag,
 * so finding the runs with a tag is an index lookup and deleting a run takes its tags with it). Runs stored before
 * have no notes ('') and no tags.
 */
import type { Migration } from './types.js';

export const migration0013: Migration = {
  version: 13,
  name: 'run notes and tags',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';
      CREATE TABLE run_tags (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        tag    TEXT NOT NULL CHECK (length(tag) > 0),
        PRIMARY KEY (run_id, tag)
      ) WITHOUT ROWID;
      CREATE INDEX run_tags_by_tag ON run_tags(tag, run_id);
    `);
  },
};
