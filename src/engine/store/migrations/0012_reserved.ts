/**
 * Holds number 12 for the migration the main line adds at the same time as 0013 (run notes, issue 14) was
 * written on its own branch: migrations must be numbered without gaps. It changes nothing. When the branches
 * meet, the main line's 0012 replaces this file (a workspace opened by a build between the two has to be
 * re-created, which only a development workspace can be).
 */
import type { Migration } from './types.js';

export const migration0012: Migration = {
  version: 12,
  name: 'reserved',
  up() {},
};
