/** Model checkpoints: the bytes as a blob (written first, see blobs.ts), the reference and config as a row. */
import type { CheckpointRef, JsonObject } from '../../shared/records.js';
import { discardNewBlobs, registerBlob } from './blobRows.js';
import type { BlobWrite } from './blobs.js';
import { StoreError } from './errors.js';
import { fromJson, toJson } from './json.js';
import type { Store } from './store.js';

interface CheckpointRow {
  id: number;
  run_id: string;
  round: number;
  blob_hash: string;
  size: number;
  config: string;
  optimizer_step: number;
  created_at: number;
}

export interface NewCheckpoint {
  runId: string;
  round: number;
  config: JsonObject;
  optimizerStep: number;
  /** The checkpoint's bytes, or a file to copy in (streamed; the file itself is left where it is). */
  content: { bytes: Uint8Array } | { file: string };
}

function toRecord(r: CheckpointRow): CheckpointRef {
  return {
    id: r.id,
    runId: r.run_id,
    round: r.round,
    blobHash: r.blob_hash,
    sizeBytes: r.size,
    config: fromJson<JsonObject>(r.config, `checkpoint ${r.id} config`),
    optimizerStep: r.optimizer_step,
    createdAt: r.created_at,
  };
}

export function saveCheckpoint(store: Store, input: NewCheckpoint): CheckpointRef {
  store.assertWritable('save a checkpoint');
  const written: BlobWrite[] = [];
  const writeBlob = (): BlobWrite => {
    const w = 'bytes' in input.content ? store.blobs.write(input.content.bytes) : store.blobs.importFile(input.content.file);
    written.push(w);
    return w;
  };
  try {
    const b = writeBlob();
    const now = Date.now();
    const id = store.db.transaction(() => {
      registerBlob(store, b, now);
      const info = store
        .prepare('INSERT INTO checkpoints (run_id, round, blob_hash, config, optimizer_step, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(input.runId, input.round, b.hash, toJson(input.config), input.optimizerStep, now);
      // Holding the write lock now, no sweep can run until commit; one in another process may have removed the file
      // before (it was unreferenced then, see sweep.ts). Put it back.
      if (!store.blobs.exists(b.hash) && writeBlob().hash !== b.hash) {
        const what = 'file' in input.content ? `checkpoint file ${input.content.file}` : 'the checkpoint bytes';
        throw new StoreError('invalid-state', `${what} changed while being stored (run ${input.runId}, round ${input.round}); save it again`);
      }
      return Number(info.lastInsertRowid);
    })();
    return getCheckpoint(store, id);
  } catch (e) {
    discardNewBlobs(store, written);
    throw e;
  }
}

const SELECT = 'SELECT c.*, b.size FROM checkpoints c JOIN blobs b ON b.hash = c.blob_hash';

export function getCheckpoint(store: Store, id: number): CheckpointRef {
  const row = store.prepare(`${SELECT} WHERE c.id = ?`).get(id) as CheckpointRow | undefined;
  if (!row) throw new StoreError('not-found', `no checkpoint ${id} in ${store.dbPath}`);
  return toRecord(row);
}

export function listCheckpoints(store: Store, runId: string): CheckpointRef[] {
  return (store.prepare(`${SELECT} WHERE c.run_id = ? ORDER BY c.round, c.id`).all(runId) as CheckpointRow[]).map(toRecord);
}

/** The checkpoint's bytes, verified against the hash. */
export function readCheckpoint(store: Store, id: number): Buffer {
  const c = getCheckpoint(store, id);
  return store.blobs.read(c.blobHash, `checkpoint ${id} (run ${c.runId}, round ${c.round})`);
}

/**
 * Path of the checkpoint's blob file after a streaming hash check, for a runtime that loads from a path. The
 * file is shared content: read it, never modify it.
 */
export function checkpointFile(store: Store, id: number): string {
  const c = getCheckpoint(store, id);
  return store.blobs.verify(c.blobHash, `checkpoint ${id} (run ${c.runId}, round ${c.round})`);
}

/** Every checkpoint of the workspace by id, with when it was made: what an endpoint lists as its models. */
export function listCheckpointTimes(store: Store): { id: number; createdAt: number }[] {
  const rows = store.prepare('SELECT id, created_at FROM checkpoints ORDER BY id').all() as { id: number; created_at: number }[];
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at }));
}
