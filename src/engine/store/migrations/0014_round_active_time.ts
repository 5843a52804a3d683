/**
 * How long a round's stages ran, apart from when it started and finished: a round stopped overnight and resumed in
 * the morning took minutes, not hours. Rounds stored before ran without a stop as far as the store knows, so their
 * active time is their span; unfinished ones start unknown (null) and are filled in as their stages complete.
 */
import type { Migration } from './types.js';

export const migration0014: Migration = {
  version: 14,
  name: 'round active time',
  up(db) {
    db.exec(`
      ALTER TABLE rounds ADD COLUMN active_ms INTEGER CHECK (active_ms IS NULL OR active_ms >= 0);
      UPDATE rounds SET active_ms = MAX(0, finished_at - started_at) WHERE finished_at IS NOT NULL AND started_at IS NOT NULL;
    `);
  },
};
