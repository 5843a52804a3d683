/**
 * Scenes become immutable once a run used them. A scene's content gets a version (a hash of what is stored: its
 * dataset, metadata JSON and point-cloud blob); `scenes` keeps each id's current version, `scene_versions` keeps
 * every replaced version some run still refers to, and `run_scenes.scene_version` pins the version a run used, so
 * a re-import under the same id cannot change what a stored program runs on, or what a resumed run trains on.
 *
 * Existing scenes get the version of their current content, and existing runs are pinned to it: that is the
 * content they will see from now on, which is all that can be recovered (an earlier re-import overwrote the rest).
 */
import { createHash } from 'node:crypto';
import type { Migration } from './types.js';

/**
 * Frozen copy of scenes.ts › sceneVersion as it was when this migration shipped (migrations never import today's
 * code). A test checks that both agree, so a scene migrated here is recognised as unchanged when re-imported.
 */
function versionOf(dataset: string, metadata: string, pointsBlob: string | null): string {
  return createHash('sha256').update(`${dataset}\n${metadata}\n${pointsBlob ?? ''}`).digest('hex').slice(0, 16);
}

export const migration0006: Migration = {
  version: 6,
  name: 'scene versions',
  up(db) {
    db.exec(`
      ALTER TABLE scenes ADD COLUMN version TEXT NOT NULL DEFAULT '';
      CREATE TABLE scene_versions (
        scene_id     TEXT NOT NULL REFERENCES scenes(id),
        version      TEXT NOT NULL,
        dataset      TEXT NOT NULL,
        source       TEXT NOT NULL,
        source_id    TEXT NOT NULL,
        metadata     TEXT NOT NULL,
        points_blob  TEXT REFERENCES blobs(hash),
        object_count INTEGER NOT NULL,
        label_count  INTEGER NOT NULL,
        point_count  INTEGER NOT NULL,
        frame_count  INTEGER NOT NULL,
        room_area    REAL NOT NULL,
        synthesised  TEXT NOT NULL,
        -- when this version was replaced as the scene's current one
        replaced_at  INTEGER NOT NULL,
        PRIMARY KEY (scene_id, version)
      ) WITHOUT ROWID;
      CREATE INDEX scene_versions_by_blob ON scene_versions(points_blob) WHERE points_blob IS NOT NULL;
      ALTER TABLE run_scenes ADD COLUMN scene_version TEXT NOT NULL DEFAULT '';
    `);
    const rows = db.prepare('SELECT id, dataset, metadata, points_blob FROM scenes').all() as { id: string; dataset: string; metadata: string; points_blob: string | null }[];
    const set = db.prepare('UPDATE scenes SET version = ? WHERE id = ?');
    for (const r of rows) set.run(versionOf(r.dataset, r.metadata, r.points_blob), r.id);
    db.exec(`UPDATE run_scenes SET scene_version = (SELECT version FROM scenes WHERE scenes.id = run_scenes.scene_id)`);
  },
};
