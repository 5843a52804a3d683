/** Every migration, in order. Append new ones here; never edit or reorder one that has shipped. */
import { migration0001 } from './0001_initial.js';
import { migration0002 } from './0002_scene_summary.js';
import { migration0003 } from './0003_qa_buckets.js';
import { migration0004 } from './0004_qa_trained.js';
import { migration0005 } from './0005_selection_scores.js';
import { migration0006 } from './0006_scene_versions.js';
import { migration0007 } from './0007_endpoint_solver.js';
import { migration0008 } from './0008_frame_images.js';
import { migration0009 } from './0009_endpoint_models.js';
import { migration0010 } from './0010_qa_prediction.js';
import { migration0011 } from './0011_qa_typed_fields.js';
import { migration0012 } from './0012_rounds.js';
import { migration0013 } from './0013_run_notes.js';
import { migration0014 } from './0014_round_active_time.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010, migration0011, migration0012, migration0013, migration0014];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
