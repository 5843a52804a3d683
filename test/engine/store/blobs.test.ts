import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  blobReferences,
  checkpointFile,
  getCheckpoint,
  isStoreError,
  listCheckpoints,
  readCheckpoint,
  saveCheckpoint,
  saveScene,
  sweepBlobs,
} from '../../../src/engine/store/index.js';
import { makeScene, seededStore, useWorkspaces } from './fixtures.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('blob store', () => {
  const ws = useWorkspaces();

  it('names files by the SHA-256 of their bytes and hashes chunked input like the joined bytes', () => {
    const store = ws.open(ws.dir());
    const a = new TextEncoder().encode('hello ');
    const b = new TextEncoder().encode('world');
    const w = store.blobs.write([a, b]);
    const all = new TextEncoder().encode('hello world');
    expect(w).toEqual({ hash: sha(all), size: 11, created: true });
    expect(store.blobs.pathOf(w.hash)).toBe(join(store.workspaceDir, 'blobs', w.hash.slice(0, 2), w.hash));
    expect(readFileSync(store.blobs.pathOf(w.hash)).toString()).toBe('hello world');
    expect(store.blobs.write(all)).toEqual({ hash: w.hash, size: 11, created: false });
    expect(store.blobs.read(w.hash, 'test').toString()).toBe('hello world');
    // No temp files are left beside the blob.
    expect(readdirSync(join(store.blobs.dir, w.hash.slice(0, 2)))).toEqual([w.hash]);
  });

  it('imports a file by streaming it', () => {
    const dir = ws.dir();
    const store = ws.open(dir);
    const src = join(dir, 'model.bin');
    const bytes = new Uint8Array(3 * (1 << 20) + 17).map((_, i) => (i * 31) % 251);
    writeFileSync(src, bytes);
    const w = store.blobs.importFile(src);
    expect(w).toEqual({ hash: sha(bytes), size: bytes.length, created: true });
    expect(store.blobs.importFile(src).created).toBe(false);
    expect(store.blobs.verify(w.hash, 'test')).toBe(store.blobs.pathOf(w.hash));
    expect(readdirSync(store.blobs.dir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('refuses writes through a read-only store', () => {
    const dir = ws.dir();
    ws.open(dir).close();
    const reader = ws.open(dir, true);
    expect(() => reader.blobs.write(new Uint8Array(1))).toThrow(/open read-only/);
  });
});

describe('checkpoints', () => {
  const ws = useWorkspaces();

  it('store bytes or a file as a blob and verify them on read', () => {
    const dir = ws.dir();
    const store = ws.open(dir);
    const { runId } = seededStore(store);
    const c0 = saveCheckpoint(store, { runId, iteration: 0, config: { lora: 8 }, optimizerStep: 100, content: { bytes: new TextEncoder().encode('weights-0') } });
    const file = join(dir, 'ckpt1.onnx');
    writeFileSync(file, 'weights-1');
    const c1 = saveCheckpoint(store, { runId, iteration: 1, config: { lora: 8 }, optimizerStep: 200, content: { file } });
    expect(c1).toMatchObject({ runId, iteration: 1, sizeBytes: 9, optimizerStep: 200, config: { lora: 8 } });
    expect(listCheckpoints(store, runId).map((c) => c.id)).toEqual([c0.id, c1.id]);
    expect(readCheckpoint(store, c0.id).toString()).toBe('weights-0');
    expect(readFileSync(checkpointFile(store, c1.id), 'utf8')).toBe('weights-1');

    writeFileSync(store.blobs.pathOf(c1.blobHash), 'weights-X');
    const e = (() => {
      try {
        checkpointFile(store, c1.id);
      } catch (err) {
        return err as Error;
      }
      throw new Error('expected an error');
    })();
    expect(isStoreError(e, 'blob-corrupt')).toBe(true);
    expect(e.message).toContain(`blob ${c1.blobHash} of checkpoint ${c1.id} (run ${runId}, iteration 1) is corrupt`);
  });

  it('remove the blob again when the row cannot be written', () => {
    const store = ws.open(ws.dir());
    const { runId } = seededStore(store, 1);
    expect(() =>
      saveCheckpoint(store, { runId, iteration: 7, config: {}, optimizerStep: 1, content: { bytes: new TextEncoder().encode('orphan') } }),
    ).toThrow(/FOREIGN KEY constraint failed/);
    expect(existsSync(store.blobs.pathOf(sha(new TextEncoder().encode('orphan'))))).toBe(false);
    expect(() => getCheckpoint(store, 1)).toThrow(/no checkpoint 1/);
  });
});

describe('sweepBlobs', () => {
  const ws = useWorkspaces();

  it('knows every column that refers to a blob', () => {
    const store = ws.open(ws.dir());
    expect(blobReferences(store)).toEqual([
      { table: 'checkpoints', column: 'blob_hash' },
      { table: 'scenes', column: 'points_blob' },
    ]);
  });

  it('removes orphan blobs, leftover temp files and stale rows, and keeps everything referenced', () => {
    const store = ws.open(ws.dir());
    const { runId } = seededStore(store, 1);
    saveScene(store, makeScene('synthetic:p', { points: 30 }));
    const ckpt = saveCheckpoint(store, { runId, iteration: 0, config: {}, optimizerStep: 1, content: { bytes: new Uint8Array([1, 2, 3]) } });
    // What a crash between "blob written" and "row committed" leaves behind:
    const orphan = store.blobs.write(new TextEncoder().encode('orphan'));
    const sub = join(store.blobs.dir, 'ab');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, '.tmp-123-abc'), 'partial');
    writeFileSync(join(store.blobs.dir, '.tmp-9-staged'), 'partial import');
    writeFileSync(join(sub, 'README.txt'), 'not ours');
    // A blob row nothing refers to any more (a replaced scene):
    store.db.prepare('INSERT INTO blobs (hash, size, created_at) VALUES (?, 6, 1)').run(orphan.hash);

    const dry = sweepBlobs(store, { dryRun: true });
    expect(dry.removedBlobs).toEqual([orphan.hash]);
    expect(existsSync(store.blobs.pathOf(orphan.hash))).toBe(true);

    const report = sweepBlobs(store);
    expect(report.removedBlobs).toEqual([orphan.hash]);
    expect(report.removedTempFiles).toHaveLength(2);
    expect(report.removedRows).toBe(1);
    expect(report.freedBytes).toBe(6 + 7 + 14);
    expect(existsSync(store.blobs.pathOf(orphan.hash))).toBe(false);
    expect(existsSync(join(sub, 'README.txt'))).toBe(true);
    expect(readCheckpoint(store, ckpt.id)).toEqual(Buffer.from([1, 2, 3]));
    expect(sweepBlobs(store)).toEqual({ removedBlobs: [], removedTempFiles: [], removedRows: 0, freedBytes: 0 });
  });
});
