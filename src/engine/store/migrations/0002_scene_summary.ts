/**
 * Scene lists show label counts and which parts were synthesised; reading those from the metadata JSON means
 * parsing every scene's objects and trajectory for a list of thousands. Denormalise them into columns and
 * backfill existing rows from the JSON.
 */
import type { Migration } from './types.js';

export const migration0002: Migration = {
  version: 2,
  name: 'scene summary columns',
  up(db) {
    db.exec(`
      ALTER TABLE scenes ADD COLUMN label_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE scenes ADD COLUMN synthesised TEXT NOT NULL DEFAULT '[]';
      UPDATE scenes SET
        label_count = (SELECT count(DISTINCT json_extract(o.value, '$.label')) FROM json_each(scenes.metadata, '$.objects') AS o),
        synthesised = coalesce(json_extract(metadata, '$.provenance.synthesised'), '[]');
      CREATE INDEX scenes_by_source ON scenes(source, id);
    `);
  },
};
