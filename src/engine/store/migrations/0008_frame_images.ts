/**
 * Camera images of trajectory frames (ScanNet colour frames, ARKitScenes lowres_wide, frames sampled from a
 * video) are blobs. A frame names its image in the scene's metadata JSON (`CameraFrame.imageBlob`), but the sweep
 * (sweep.ts) only follows foreign keys into `blobs`, and a JSON field is not one. So each stored scene version
 * lists its frames' images here, one row per frame with an image, and the sweep keeps exactly those.
 *
 * A row lives as long as its scene version does, whichever table holds that version (`scenes` for the current one,
 * `scene_versions` for replaced ones a run still uses); the triggers delete a version's rows when the last table
 * holding it lets it go, so code that replaces or deletes scene versions cannot leave images alive or drop them early.
 * The images' hashes are part of the metadata JSON, hence of the version hash: a changed image is a new version.
 */
import type { Migration } from './types.js';

export const migration0008: Migration = {
  version: 8,
  name: 'frame images',
  up(db) {
    db.exec(`
      CREATE TABLE scene_frame_images (
        scene_id    TEXT NOT NULL,
        version     TEXT NOT NULL,
        frame_index INTEGER NOT NULL,
        image_blob  TEXT NOT NULL REFERENCES blobs(hash),
        PRIMARY KEY (scene_id, version, frame_index)
      ) WITHOUT ROWID;
      CREATE INDEX scene_frame_images_by_blob ON scene_frame_images(image_blob);

      CREATE TRIGGER scene_frame_images_replaced AFTER UPDATE OF version ON scenes WHEN OLD.version != NEW.version BEGIN
        DELETE FROM scene_frame_images WHERE scene_id = OLD.id AND version = OLD.version
          AND NOT EXISTS (SELECT 1 FROM scene_versions WHERE scene_id = OLD.id AND version = OLD.version);
      END;
      CREATE TRIGGER scene_frame_images_scene_deleted AFTER DELETE ON scenes BEGIN
        DELETE FROM scene_frame_images WHERE scene_id = OLD.id AND version = OLD.version
          AND NOT EXISTS (SELECT 1 FROM scene_versions WHERE scene_id = OLD.id AND version = OLD.version);
      END;
      CREATE TRIGGER scene_frame_images_version_deleted AFTER DELETE ON scene_versions BEGIN
        DELETE FROM scene_frame_images WHERE scene_id = OLD.scene_id AND version = OLD.version
          AND NOT EXISTS (SELECT 1 FROM scenes WHERE id = OLD.scene_id AND version = OLD.version);
      END;
    `);
  },
};
