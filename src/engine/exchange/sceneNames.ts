/**
 * Scene ids (`<source>:<sourceId>`, scene.ts) as VSI-Bench names and as folder names. VSI-Bench records name
 * a scene by its dataset's own id (`scene0356_00`, `41069025`), which is our id without the source prefix.
 */
import { hashSeed } from '../../shared/random.js';

/** VSI-Bench `scene_name` of a scene id: the source's own id (everything after the first ':'). */
export function vsiSceneName(sceneId: string): string {
  const i = sceneId.indexOf(':');
  return i < 0 ? sceneId : sceneId.slice(i + 1);
}

const SAFE = /^[A-Za-z0-9._-]+$/;

/**
 * A folder name for a scene id that is valid on Linux, macOS and Windows: `vsibench:scene0356_00` →
 * `vsibench_scene0356_00`. Source names have no `_`, so the first `_` stands for the `:` and the mapping stays
 * one-to-one while the source's id is already safe; an id that needed any other change gets a hash of the
 * original appended, so two ids that sanitise alike still get different folders.
 */
export function fsSafeSceneId(sceneId: string): string {
  const i = sceneId.indexOf(':');
  const source = i < 0 ? '' : sceneId.slice(0, i);
  const rest = i < 0 ? sceneId : sceneId.slice(i + 1);
  const clean = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
  const exact = i >= 0 && /^[a-z]+$/.test(source) && SAFE.test(rest) && !rest.startsWith('.');
  const base = i < 0 ? clean(rest) : `${clean(source)}_${clean(rest)}`;
  if (exact) return base;
  const tag = hashSeed(0, sceneId).toString(16).padStart(8, '0');
  return `${base.replace(/^\.+/, '_').slice(0, 80)}-${tag}`;
}
