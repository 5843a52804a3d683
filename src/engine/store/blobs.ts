/**
 * Content-addressed files under `<workspace>/blobs/`: a blob's name is the SHA-256 of its bytes
 * (`blobs/ab/abcdef…`), so identical point clouds or checkpoints are stored once and corruption is detectable.
 *
 * Crash safety rests on ordering: a blob is written to a temp file in its final folder, fsynced, renamed into
 * place and the folder fsynced *before* any database row refers to it. A crash can therefore leave an
 * unreferenced file (removed by `sweepBlobs`), never a row pointing at a missing or partial file.
 *
 * A file already at a blob's name is reused only after its bytes hash to that name: a damaged file (the error a
 * corrupt blob raises says "re-import it") is replaced by writing the blob again, atomically (temp file, rename).
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DISK_FULL_LEAD, isDiskFull, isStoreError, StoreError } from './errors.js';

export const TEMP_PREFIX = '.tmp-';
const HASH_RE = /^[0-9a-f]{64}$/;
const CHUNK = 1 << 20;

export interface BlobWrite {
  hash: string;
  size: number;
  /** False when a file with this content was already there (nothing was written). */
  created: boolean;
}

export function isBlobHash(s: string): boolean {
  return HASH_RE.test(s);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** Makes a rename durable. Windows cannot open a folder for fsync; NTFS journals the rename itself. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort, see above
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** SHA-256 of an open file's bytes from its start, read in chunks; closes the descriptor. */
function hashFd(fd: number): string {
  const h = createHash('sha256');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

function hashFile(path: string): string {
  return hashFd(openSync(path, 'r'));
}

export class BlobStore {
  constructor(
    readonly dir: string,
    private readonly writable: boolean,
  ) {}

  pathOf(hash: string): string {
    if (!isBlobHash(hash)) throw new StoreError('corrupt-record', `"${hash}" is not a SHA-256 blob hash`);
    return join(this.dir, hash.slice(0, 2), hash);
  }

  /** Writes bytes (given as chunks, hashed without joining them) and returns their hash. Idempotent. */
  write(chunks: Uint8Array | readonly Uint8Array[]): BlobWrite {
    const parts = chunks instanceof Uint8Array ? [chunks] : chunks;
    const h = createHash('sha256');
    let size = 0;
    for (const p of parts) {
      h.update(p);
      size += p.length;
    }
    const hash = h.digest('hex');
    return this.place(hash, size, (fd) => {
      for (const p of parts) writeAll(fd, p);
    });
  }

  /** True when the blob's file is there (its bytes unchecked): for re-checking under the database write lock. */
  exists(hash: string): boolean {
    return existsSync(this.pathOf(hash));
  }

  /** Copies a file in (e.g. a checkpoint the trainer wrote), hashing while streaming, so memory stays flat. */
  importFile(srcPath: string): BlobWrite {
    this.assertWritable();
    const staged = join(this.dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      return this.importStaged(srcPath, staged);
    } catch (e) {
      throw this.full(e, `${staged} (a copy of ${srcPath})`);
    }
  }

  private importStaged(srcPath: string, staged: string): BlobWrite {
    mkdirSync(this.dir, { recursive: true });
    // The hash is only known at the end, so stage in the root blob folder, then move under the hash's folder
    // (same file system, so the rename is still atomic).
    const h = createHash('sha256');
    let size = 0;
    const src = openSync(srcPath, 'r');
    const out = openSync(staged, 'wx');
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const n = readSync(src, buf, 0, CHUNK, null);
        if (n === 0) break;
        const view = buf.subarray(0, n);
        h.update(view);
        writeAll(out, view);
        size += n;
      }
      fsyncSync(out);
    } catch (e) {
      closeSync(out);
      rmSync(staged, { force: true });
      throw e;
    } finally {
      closeSync(src);
    }
    closeSync(out);
    const hash = h.digest('hex');
    const final = this.pathOf(hash);
    if (this.hasIntact(final, hash, size)) {
      rmSync(staged, { force: true });
      return { hash, size, created: false };
    }
    try {
      mkdirSync(dirname(final), { recursive: true });
      renameSync(staged, final); // replaces a damaged file of the same name atomically
    } catch (e) {
      rmSync(staged, { force: true });
      throw e;
    }
    fsyncDir(dirname(final));
    return { hash, size, created: true };
  }

  /**
   * Whether the file at `final` holds exactly the blob `hash`. Comparing sizes alone let a file with flipped bytes
   * pass, so re-importing never repaired it (issue 11, item 3); the size is still the cheap first tell. Streamed,
   * so a large checkpoint costs one read, not its size in memory.
   */
  private hasIntact(final: string, hash: string, size: number): boolean {
    let st;
    try {
      st = statSync(final);
    } catch {
      return false;
    }
    if (!st.isFile() || st.size !== size) return false;
    try {
      return hashFile(final) === hash;
    } catch {
      return false; // unreadable: write it again
    }
  }

  private place(hash: string, size: number, fill: (fd: number) => void): BlobWrite {
    this.assertWritable();
    const final = this.pathOf(hash);
    if (this.hasIntact(final, hash, size)) return { hash, size, created: false };
    try {
      return this.placeNew(final, hash, size, fill);
    } catch (e) {
      throw this.full(e, final);
    }
  }

  private placeNew(final: string, hash: string, size: number, fill: (fd: number) => void): BlobWrite {
    const folder = dirname(final);
    mkdirSync(folder, { recursive: true });
    const tmp = join(folder, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
    const fd = openSync(tmp, 'wx');
    try {
      fill(fd);
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw e;
    }
    closeSync(fd);
    try {
      renameSync(tmp, final); // replaces a damaged file of the same name atomically
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    fsyncDir(folder);
    return { hash, size, created: true };
  }

  /** The blob's bytes, after checking them against their hash. `owner` names who refers to it, for the error. */
  read(hash: string, owner: string): Buffer {
    const path = this.pathOf(hash);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw this.missing(hash, owner, path, e);
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== hash) throw this.corrupt(hash, owner, path, actual);
    return bytes;
  }

  /** Checks a blob file against its hash by streaming it (checkpoints may not fit in memory); returns its path. */
  verify(hash: string, owner: string): string {
    const path = this.pathOf(hash);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw this.missing(hash, owner, path, e);
    }
    const actual = hashFd(fd);
    if (actual !== hash) throw this.corrupt(hash, owner, path, actual);
    return path;
  }

  /** Deletes a blob file; true when there was one. The caller has made sure no row refers to it. */
  remove(hash: string): boolean {
    this.assertWritable();
    const path = this.pathOf(hash);
    try {
      unlinkSync(path);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  private missing(hash: string, owner: string, path: string, cause: unknown): StoreError {
    return new StoreError('blob-missing', `blob ${hash} of ${owner} is missing (expected at ${path}); the workspace's blob folder was changed outside the app`, { cause });
  }

  private corrupt(hash: string, owner: string, path: string, actual: string): StoreError {
    return new StoreError('blob-corrupt', `blob ${hash} of ${owner} is corrupt: its bytes hash to ${actual} (file ${path}); re-import it`);
  }

  /**
   * A full disk (ENOSPC, EDQUOT) reported as which file could not be written and in which workspace, so the person
   * knows which disk to free (issue 11, item 8: the bare "no space left on device, write" named no path). The temp
   * file is gone by then; nothing refers to the blob yet. Other errors are returned unchanged.
   */
  private full(e: unknown, path: string): unknown {
    if (!isDiskFull(e) || isStoreError(e)) return e;
    const reason = e instanceof Error ? e.message : String(e);
    return new StoreError('disk-full', `${DISK_FULL_LEAD}could not write ${path} (workspace ${dirname(this.dir)}): ${reason}`, { cause: e });
  }

  private assertWritable(): void {
    if (!this.writable) throw new StoreError('readonly', `the workspace at ${dirname(this.dir)} is open read-only; cannot write blobs`);
  }
}
