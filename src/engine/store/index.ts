/**
 * CONTEXT — the run store: everything the closed loop produces, persisted per workspace.
 *
 * A workspace is a folder (workspace.ts) with `workbench.db` (SQLite, WAL, foreign keys on; schema by numbered
 * forward-only migrations in migrations/) and `blobs/` (content-addressed point clouds, frame images and checkpoints,
 * blobs.ts; point-cloud layout in pointCloudCodec.ts). `openStore` gives a Store; the repository modules
 * (scenes, runs, rounds, qa, solverOutputs, training, benchmarks, metrics, controller, checkpoints) are
 * plain functions taking that Store first. The records they read and write are the JSON-able types in
 * src/shared/records.ts, so they can cross to the UI unchanged.
 *
 * Invariants: a multi-row write is one transaction; a blob file is durable before any row refers to it; a
 * read-only Store (the UI beside a writing process) never writes, migrates or creates files. Blob files that
 * nothing refers to (crash leftovers, replaced point clouds) are removed only by `sweepBlobs`, which holds the
 * write lock and is safe beside writers in other processes (sweep.ts); it runs when a workspace is opened for
 * writing, after `scenes import`, and as `scenes gc`. The API is synchronous (better-sqlite3): call it off the UI
 * thread.
 */
export * from './workspace.js';
export * from './errors.js';
export { openStore, inTransaction, dataVersion, DEFAULT_BUSY_TIMEOUT_MS, type Store, type OpenStoreOptions } from './store.js';
export { migrate, readSchemaVersion, type MigrationResult } from './migrate.js';
export { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations/index.js';
export { BlobStore, isBlobHash, type BlobWrite } from './blobs.js';
export { sweepBlobs, blobReferences, SWEEP_MIN_AGE_MS, type SweepOptions, type SweepReport } from './sweep.js';
export * from './pointCloudCodec.js';
export * from './scenes.js';
export * from './runs.js';
export * from './rounds.js';
export * from './qa.js';
export * from './solverOutputs.js';
export * from './qaCells.js';
export * from './training.js';
export * from './benchmarks.js';
export * from './metrics.js';
export * from './controller.js';
export * from './checkpoints.js';
export * from './endpointResponses.js';
