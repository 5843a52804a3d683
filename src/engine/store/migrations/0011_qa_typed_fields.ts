/**
 * The objects a question names, its program's arguments and the frame it refers to rode in untyped JSON (`qa.extra`,
 * `benchmark_questions.metadata`) and were parsed back by every reader. They are facts every stage reads (the solver's
 * label slots, re-running a program, the frames an export shows), so they become typed columns, backfilled from the
 * JSON; `qa.extra` held nothing else and goes.
 */
import type { Migration } from './types.js';

export const migration0011: Migration = {
  version: 11,
  name: 'qa typed fields',
  up(db) {
    db.exec(`
      ALTER TABLE qa ADD COLUMN named TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE qa ADD COLUMN args TEXT;
      ALTER TABLE qa ADD COLUMN frame INTEGER;
      UPDATE qa SET
        named = coalesce(json_extract(extra, '$.named'), '[]'),
        args = json_extract(extra, '$.args'),
        frame = json_extract(extra, '$.frame')
      WHERE extra <> '{}';
      ALTER TABLE qa DROP COLUMN extra;

      ALTER TABLE benchmark_questions ADD COLUMN named TEXT;
      ALTER TABLE benchmark_questions ADD COLUMN frame INTEGER;
      UPDATE benchmark_questions SET
        named = json_extract(metadata, '$.named'),
        frame = json_extract(metadata, '$.frame'),
        metadata = json_remove(metadata, '$.named', '$.frame')
      WHERE json_type(metadata, '$.named') IS NOT NULL OR json_type(metadata, '$.frame') IS NOT NULL;
    `);
  },
};
