import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  blobReferences,
  checkpointFile,
  getCheckpoint,
  isStoreError,
  listCheckpoints,
  loadScene,
  openStore,
  readCheckpoint,
  saveCheckpoint,
  saveScene,
  SWEEP_MIN_AGE_MS,
  sweepBlobs,
  type Store,
} from '../../../src/engine/store/index.js';
import { injectDiskFull } from '../../helpers/diskFull.js';
import { makeScene, seededStore, useWorkspaces } from './fixtures.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Sets a file's modification time `ms` into the past: what a crash leftover looks like a while later. */
function age(path: string, ms: number): void {
  const t = new Date(Date.now() - ms);
  utimesSync(path, t, t);
}

const blobRow = (store: Store, hash: string): boolean => store.db.prepare('SELECT 1 FROM blobs WHERE hash = ?').get(hash) !== undefined;

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

  it('replaces an existing file whose bytes do not hash to its name, on write and on import (issue 11, item 3)', () => {
    const dir = ws.dir();
    const store = ws.open(dir);
    const bytes = new Uint8Array(4096).map((_, i) => (i * 7) % 253);
    const w = store.blobs.write(bytes);
    const path = store.blobs.pathOf(w.hash);
    const flip = (): void => {
      const b = readFileSync(path);
      for (const at of [10, 2000, 4000]) b[at] = b[at]! ^ 0x5a; // same size, 3 bytes changed
      writeFileSync(path, b);
    };
    flip();
    expect(() => store.blobs.read(w.hash, 'test')).toThrow(/is corrupt/);
    expect(store.blobs.write(bytes)).toEqual({ hash: w.hash, size: bytes.length, created: true });
    expect(store.blobs.read(w.hash, 'test')).toEqual(Buffer.from(bytes));
    expect(store.blobs.write(bytes).created).toBe(false); // intact now: nothing written

    flip();
    const src = join(dir, 'model.bin');
    writeFileSync(src, bytes);
    expect(store.blobs.importFile(src)).toEqual({ hash: w.hash, size: bytes.length, created: true });
    expect(store.blobs.verify(w.hash, 'test')).toBe(path);
    // No temp files are left beside the blob or in the staging folder.
    expect(readdirSync(join(store.blobs.dir, w.hash.slice(0, 2)))).toEqual([w.hash]);
    expect(readdirSync(store.blobs.dir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('a full disk (ENOSPC) names the file that could not be written and the workspace, and leaves no temp file (issue 11, item 8)', () => {
    const dir = ws.dir();
    const store = ws.open(dir);
    const bytes = new Uint8Array(1000).map((_, i) => i % 251);
    const src = join(dir, 'model.bin');
    writeFileSync(src, bytes);
    const disk = injectDiskFull({ after: { sql: '', count: 0 }, then: 'blobs' });
    let onWrite: unknown;
    let onImport: unknown;
    try {
      try {
        store.blobs.write(bytes);
      } catch (e) {
        onWrite = e;
      }
      try {
        store.blobs.importFile(src);
      } catch (e) {
        onImport = e;
      }
    } finally {
      disk.restore();
    }
    expect(disk.refused).toBe(2);
    const path = store.blobs.pathOf(sha(bytes));
    expect(isStoreError(onWrite, 'disk-full')).toBe(true);
    expect((onWrite as Error).message).toBe(`the disk is full: could not write ${path} (workspace ${dir}): ENOSPC: no space left on device, write`);
    expect(isStoreError(onImport, 'disk-full')).toBe(true);
    expect((onImport as Error).message).toMatch(new RegExp(`^the disk is full: could not write ${store.blobs.dir}/\\.tmp-\\S+ \\(a copy of ${src}\\) \\(workspace ${dir}\\): ENOSPC`));
    expect(readdirSync(store.blobs.dir, { recursive: true }).filter((n) => String(n).includes('.tmp-'))).toEqual([]);
    // With space again, the same writes succeed.
    expect(store.blobs.write(bytes).created).toBe(true);
    expect(store.blobs.importFile(src).created).toBe(false);
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
    const c0 = saveCheckpoint(store, { runId, round: 0, config: { lora: 8 }, optimizerStep: 100, content: { bytes: new TextEncoder().encode('weights-0') } });
    const file = join(dir, 'ckpt1.onnx');
    writeFileSync(file, 'weights-1');
    const c1 = saveCheckpoint(store, { runId, round: 1, config: { lora: 8 }, optimizerStep: 200, content: { file } });
    expect(c1).toMatchObject({ runId, round: 1, sizeBytes: 9, optimizerStep: 200, config: { lora: 8 } });
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
    expect(e.message).toContain(`blob ${c1.blobHash} of checkpoint ${c1.id} (run ${runId}, round 1) is corrupt`);
  });

  it('remove the blob again when the row cannot be written', () => {
    const store = ws.open(ws.dir());
    const { runId } = seededStore(store, 1);
    expect(() =>
      saveCheckpoint(store, { runId, round: 7, config: {}, optimizerStep: 1, content: { bytes: new TextEncoder().encode('orphan') } }),
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
      { table: 'scene_frame_images', column: 'image_blob' },
      { table: 'scene_versions', column: 'points_blob' },
      { table: 'scenes', column: 'points_blob' },
    ]);
  });

  it('removes orphan blobs, leftover temp files and stale rows, and keeps everything referenced', () => {
    const store = ws.open(ws.dir());
    const { runId } = seededStore(store, 1);
    saveScene(store, makeScene('synthetic:p', { points: 30 }));
    const ckpt = saveCheckpoint(store, { runId, round: 0, config: {}, optimizerStep: 1, content: { bytes: new Uint8Array([1, 2, 3]) } });
    // What a crash between "blob written" and "row committed" leaves behind:
    const orphan = store.blobs.write(new TextEncoder().encode('orphan'));
    const sub = join(store.blobs.dir, 'ab');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, '.tmp-123-abc'), 'partial');
    writeFileSync(join(store.blobs.dir, '.tmp-9-staged'), 'partial import');
    writeFileSync(join(sub, 'README.txt'), 'not ours');
    // Left by a crash a while ago, not by a write in progress (see the next test).
    age(join(sub, '.tmp-123-abc'), SWEEP_MIN_AGE_MS + 1000);
    age(join(store.blobs.dir, '.tmp-9-staged'), SWEEP_MIN_AGE_MS + 1000);
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
    expect(sweepBlobs(store)).toEqual({ removedBlobs: [], removedTempFiles: [], removedRows: 0, freedBytes: 0, keptRecent: 0 });
  });

  it('leaves unregistered files younger than the minimum age (a write whose rows are not committed yet), then removes them', () => {
    const store = ws.open(ws.dir());
    const fresh = store.blobs.write(new TextEncoder().encode('written, rows not committed yet'));
    const temp = join(store.blobs.dir, '.tmp-77-busy');
    writeFileSync(temp, 'being written');
    const report = sweepBlobs(store);
    expect(report).toMatchObject({ removedBlobs: [], removedTempFiles: [], keptRecent: 2 });
    expect(existsSync(store.blobs.pathOf(fresh.hash))).toBe(true);
    expect(existsSync(temp)).toBe(true);

    age(store.blobs.pathOf(fresh.hash), SWEEP_MIN_AGE_MS + 1000);
    age(temp, SWEEP_MIN_AGE_MS + 1000);
    expect(sweepBlobs(store)).toMatchObject({ removedBlobs: [fresh.hash], removedTempFiles: [temp], keptRecent: 0 });
    expect(existsSync(store.blobs.pathOf(fresh.hash))).toBe(false);
  });

  it('runs when a workspace is opened for writing: a replaced point cloud goes, scene and checkpoint blobs stay (issue 11, item 9)', () => {
    const dir = ws.dir();
    const store = ws.open(dir);
    const { runId } = seededStore(store, 1);
    saveScene(store, makeScene('synthetic:keep', { points: 30, seed: 1 }));
    saveScene(store, makeScene('synthetic:re', { points: 30, seed: 2 }));
    const ckpt = saveCheckpoint(store, { runId, round: 0, config: {}, optimizerStep: 1, content: { bytes: new Uint8Array([9, 9, 9]) } });
    const oldHash = store.db.prepare(`SELECT points_blob FROM scenes WHERE id = 'synthetic:re'`).pluck().get() as string;
    saveScene(store, makeScene('synthetic:re', { points: 30, seed: 3 })); // a re-import with new content
    expect(existsSync(store.blobs.pathOf(oldHash))).toBe(true);
    store.close();

    const reopened = ws.open(dir);
    expect(existsSync(reopened.blobs.pathOf(oldHash))).toBe(false);
    expect(blobRow(reopened, oldHash)).toBe(false);
    expect(loadScene(reopened, 'synthetic:keep')).toEqual(makeScene('synthetic:keep', { points: 30, seed: 1 }));
    expect(loadScene(reopened, 'synthetic:re')).toEqual(makeScene('synthetic:re', { points: 30, seed: 3 }));
    expect(readCheckpoint(reopened, ckpt.id)).toEqual(Buffer.from([9, 9, 9]));
    // Opening read-only never sweeps (nor writes anything).
    reopened.db.prepare('INSERT INTO blobs (hash, size, created_at) VALUES (?, 1, 1)').run('f'.repeat(64));
    reopened.close();
    ws.open(dir, true).close();
    const again = openStore({ workspaceDir: dir, sweepOnOpen: false });
    try {
      expect(blobRow(again, 'f'.repeat(64))).toBe(true);
    } finally {
      again.close();
    }
  });

  it('a sweep by another process between a blob write and its rows\' commit never leaves a row without its file', () => {
    const dir = ws.dir();
    const writer = ws.open(dir);
    const sweeper = ws.open(dir);
    const { runId } = seededStore(writer, 1);
    // A scene replaced earlier left its point cloud registered but unreferenced: the sweep's to remove.
    saveScene(writer, makeScene('synthetic:x', { points: 40, seed: 5 }));
    saveScene(writer, makeScene('synthetic:x', { points: 40, seed: 6 }));

    // The other process sweeps right after each blob file is written, before the writer's transaction.
    const blobs = writer.blobs;
    const write = blobs.write.bind(blobs);
    const importFile = blobs.importFile.bind(blobs);
    let sweeps = 0;
    const sweepOnce = <T>(w: T): T => {
      if (sweeps++ === 0) sweepBlobs(sweeper, { minAgeMs: 0 });
      return w;
    };
    blobs.write = (chunks) => sweepOnce(write(chunks));
    blobs.importFile = (src) => sweepOnce(importFile(src));

    // New content, and content the sweep is about to remove (the replaced point cloud, re-imported).
    const fresh = makeScene('synthetic:y', { points: 40, seed: 7 });
    saveScene(writer, fresh);
    sweeps = 0;
    const back = makeScene('synthetic:z', { points: 40, seed: 5 });
    saveScene(writer, back);
    sweeps = 0;
    const ckpt = saveCheckpoint(writer, { runId, round: 0, config: {}, optimizerStep: 1, content: { bytes: new TextEncoder().encode('weights') } });
    sweeps = 0;
    const file = join(dir, 'ckpt.bin');
    writeFileSync(file, 'weights from a file');
    const ckpt2 = saveCheckpoint(writer, { runId, round: 0, config: {}, optimizerStep: 2, content: { file } });

    expect(loadScene(sweeper, fresh.id)).toEqual(fresh);
    expect(loadScene(sweeper, back.id)).toEqual(back);
    expect(readCheckpoint(sweeper, ckpt.id).toString()).toBe('weights');
    expect(readCheckpoint(sweeper, ckpt2.id).toString()).toBe('weights from a file');
    expect(sweepBlobs(sweeper, { minAgeMs: 0 }).removedBlobs).toEqual([]);
  });

  it('refuses to run inside a transaction, whose rollback could bring back a reference to a removed file', () => {
    const store = ws.open(ws.dir());
    expect(() => store.db.transaction(() => sweepBlobs(store))()).toThrow(/inside a transaction/);
  });
});
