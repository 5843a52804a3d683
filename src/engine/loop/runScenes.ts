/**
 * A run's scenes from its sources: read, validated and split. Its own module, so the scenes worker
 * (scenesWorker.ts) loads this without the rest of the loop (the solver, onnxruntime).
 */
import { InputError } from '../../shared/errors.js';
import type { LoopConfig } from '../../shared/loop.js';
import type { RunSceneEntry } from '../../shared/records.js';
import type { Scene } from '../../shared/scene.js';
import { loadScenes, parseSourceSpec } from '../sources/index.js';
import { MAX_SCENES_PER_RUN } from '../sources/limits.js';
import { splitScenes } from './split.js';

/** The settings `loadRunScenes` reads. */
export type SceneSources = Pick<LoopConfig, 'scenes' | 'heldoutScenes' | 'heldoutFraction' | 'dataSeed'>;

/**
 * Loads every source (validated) and returns the scenes with their split; duplicate ids across sources are an
 * error, so a scene named both for training and for holding out is refused rather than silently leaked.
 */
export function loadRunScenes(config: SceneSources): { scenes: Scene[]; split: RunSceneEntry[] } {
  const scenes: Scene[] = [];
  const seen = new Map<string, string>();
  const heldout = new Set<string>();
  const sources = [...config.scenes.map((spec) => ({ spec, field: 'config.scenes' })), ...config.heldoutScenes.map((spec) => ({ spec, field: 'config.heldoutScenes' }))];
  const tooMany = (field: string, spec: string, total: number): InputError =>
    new InputError({
      field,
      message: `a run holds at most ${MAX_SCENES_PER_RUN} scenes (all are in memory while it runs); ${spec} brings the total to ${total}: use fewer or smaller sources`,
    });
  // Synthetic sources say their size up front: refuse before generating (minutes and gigabytes) what cannot run.
  let declared = 0;
  for (const { spec, field } of sources) {
    const parsed = parseSourceSpec(spec);
    if (parsed.kind === 'synthetic') declared += Number(parsed.arg);
    if (declared > MAX_SCENES_PER_RUN) throw tooMany(field, spec, declared);
  }
  sources.forEach(({ spec, field }, i) => {
    const loaded = loadScenes(spec, { seed: config.dataSeed });
    if (scenes.length + loaded.length > MAX_SCENES_PER_RUN) throw tooMany(field, spec, scenes.length + loaded.length);
    for (const s of loaded) {
      const first = seen.get(s.id);
      if (first !== undefined) throw new InputError({ field, message: `scene ${s.id} comes from both ${first} and ${spec}` });
      seen.set(s.id, spec);
      scenes.push(s);
      if (i >= config.scenes.length) heldout.add(s.id);
    }
  });
  if (config.heldoutScenes.length === 0) return { scenes, split: splitScenes(scenes.map((s) => s.id), config.heldoutFraction, config.dataSeed) };
  if (heldout.size === scenes.length) throw new InputError({ field: 'config.scenes', message: 'every scene is held out: name at least one training scene source' });
  return { scenes, split: scenes.map((s) => ({ sceneId: s.id, split: heldout.has(s.id) ? 'heldout' : 'train' })) };
}
