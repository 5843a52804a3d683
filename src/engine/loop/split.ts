/** Train / held-out split of a run's scenes: seeded by the data seed, so runs over the same scenes agree. */
import { InputError } from '../../shared/errors.js';
import { createRng, hashSeed } from '../../shared/random.js';
import type { RunSceneEntry } from '../../shared/records.js';

export function splitScenes(sceneIds: readonly string[], heldoutFraction: number, dataSeed: number): RunSceneEntry[] {
  const ids = [...new Set(sceneIds)].sort();
  if (ids.length < 2) {
    throw new InputError({ field: 'config.scenes', message: `a run needs at least 2 scenes (one to train on, one held out), found ${ids.length}` });
  }
  const heldout = Math.min(ids.length - 1, Math.max(1, Math.round(ids.length * heldoutFraction)));
  const order = createRng(hashSeed(dataSeed, 'split')).shuffle(ids.slice());
  const held = new Set(order.slice(0, heldout));
  return ids.map((sceneId) => ({ sceneId, split: held.has(sceneId) ? 'heldout' : 'train' }));
}
