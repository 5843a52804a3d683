/**
 * The last few scenes loaded whole, with what was derived from them. The scene view asks for the points, then
 * frame after frame as the user scrubs the trajectory; loading a scene verifies and decodes its point-cloud
 * blob, and preparing it for programs computes visibility over the whole trajectory, so both are kept while the
 * scene is in use. Entries are keyed by scene version (a content hash: store/scenes.ts), so a re-import under the
 * same id is a different entry and nothing cached can go stale.
 */
import type { Scene } from '../../shared/scene.js';
import { StoreError } from '../store/errors.js';
import { currentSceneVersion, loadScene } from '../store/scenes.js';
import type { Store } from '../store/store.js';

interface Entry {
  scene: Scene;
  derived: Map<string, unknown>;
}

export class SceneCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 4) {}

  /** The scene's current version, or `version` (one a run pinned). */
  scene(store: Store, id: string, version?: string): Scene {
    return this.entry(store, id, version).scene;
  }

  /** `make(scene)` computed once per scene version and `key`. */
  derived<T>(store: Store, id: string, version: string | undefined, key: string, make: (scene: Scene) => T): T {
    const e = this.entry(store, id, version);
    if (!e.derived.has(key)) e.derived.set(key, make(e.scene));
    return e.derived.get(key) as T;
  }

  clear(): void {
    this.entries.clear();
  }

  private entry(store: Store, id: string, version: string | undefined): Entry {
    const v = version ?? currentSceneVersion(store, id);
    if (v === undefined) throw new StoreError('not-found', `no scene "${id}" in ${store.dbPath}`);
    const key = `${id}\u0000${v}`;
    let e = this.entries.get(key);
    if (e) {
      // Re-insert: Map order is the recency order.
      this.entries.delete(key);
      this.entries.set(key, e);
      return e;
    }
    e = { scene: loadScene(store, id, v), derived: new Map() };
    this.entries.set(key, e);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return e;
  }
}
