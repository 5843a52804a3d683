/**
 * The last few scenes loaded whole, with what was derived from them. The scene view asks for the points, then
 * frame after frame as the user scrubs the trajectory; loading a scene verifies and decodes its point-cloud
 * blob, and preparing it for programs computes visibility over the whole trajectory, so both are kept while the
 * scene is in use. An entry is dropped when the scene row changed since (a re-import under the same id).
 */
import type { Scene } from '../../shared/scene.js';
import { StoreError } from '../store/errors.js';
import { loadScene } from '../store/scenes.js';
import type { Store } from '../store/store.js';

interface Entry {
  updatedAt: number;
  scene: Scene;
  derived: Map<string, unknown>;
}

export class SceneCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 4) {}

  scene(store: Store, id: string): Scene {
    return this.entry(store, id).scene;
  }

  /** `make(scene)` computed once per scene version and `key`. */
  derived<T>(store: Store, id: string, key: string, make: (scene: Scene) => T): T {
    const e = this.entry(store, id);
    if (!e.derived.has(key)) e.derived.set(key, make(e.scene));
    return e.derived.get(key) as T;
  }

  clear(): void {
    this.entries.clear();
  }

  private entry(store: Store, id: string): Entry {
    const row = store.prepare('SELECT updated_at FROM scenes WHERE id = ?').get(id) as { updated_at: number } | undefined;
    if (!row) throw new StoreError('not-found', `no scene "${id}" in ${store.dbPath}`);
    let e = this.entries.get(id);
    if (e && e.updatedAt === row.updated_at) {
      // Re-insert: Map order is the recency order.
      this.entries.delete(id);
      this.entries.set(id, e);
      return e;
    }
    e = { updatedAt: row.updated_at, scene: loadScene(store, id), derived: new Map() };
    this.entries.delete(id);
    this.entries.set(id, e);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return e;
  }
}
