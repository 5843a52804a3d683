/**
 * The `blobs` table registers every blob a row refers to (foreign keys point at it), so the database alone says
 * which files must exist. A row is registered in the same transaction as the reference that needs it.
 */
import type { BlobWrite } from './blobs.js';
import type { Store } from './store.js';

export function registerBlob(store: Store, blob: { hash: string; size: number }, now: number): void {
  store.prepare('INSERT OR IGNORE INTO blobs (hash, size, created_at) VALUES (?, ?, ?)').run(blob.hash, blob.size, now);
}

export function isBlobRegistered(store: Store, hash: string): boolean {
  return store.prepare('SELECT 1 FROM blobs WHERE hash = ?').get(hash) !== undefined;
}

/**
 * After a failed transaction: remove the files this attempt created, unless some row registered the same content
 * meanwhile. Files that already existed before the attempt are someone else's and stay.
 */
export function discardNewBlobs(store: Store, writes: readonly BlobWrite[]): void {
  for (const w of writes) {
    if (!w.created || isBlobRegistered(store, w.hash)) continue;
    try {
      store.blobs.remove(w.hash);
    } catch {
      // The original error matters more; a file left here is unreferenced and the sweep removes it.
    }
  }
}
