/**
 * VSI-Bench's evaluation scenes: the scenes of its three val sets (ScanNet, ARKitScenes, ScanNet++), by dataset
 * and the dataset's own scene id. A model trained on questions about these scenes and then scored on VSI-Bench
 * has seen the test rooms, so the product marks them, warns when a run trains on them and refuses a training
 * export holding them unless told otherwise (exchange/exportQa.ts, `allowEvalScenes`).
 *
 * The list ships as `resources/vsibench/eval_scenes.json`, built from VSI-Bench's `meta_info` files by
 * `npm run scenes -- eval-scenes <meta_info.json>… --out resources/vsibench/eval_scenes.json` (buildEvalSceneList).
 * Only ids ship for ScanNet++: its meta_info is not in resources/ (no importer needs its boxes).
 *
 * A stored scene matches by its dataset and the part of its id after the first `:` (every importer names scenes
 * `<kind>:<dataset's id>`), so `vsibench:scene0011_00`, `scannet:scene0011_00` (dataset scannet) and
 * `scannetpp:09c1414f1b` are recognised whichever importer read them; synthetic and PLY scenes never match.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { EVAL_BENCHMARK } from '../../shared/evalScenes.js';
import { resourceFile } from '../resources.js';
import { FieldReader, parseJsonText, readJsonFile } from './json.js';

export const EVAL_SCENES_FILE = 'eval_scenes.json';
export { EVAL_BENCHMARK };

export interface EvalSceneList {
  benchmark: string;
  /** Scene ids per dataset (`scannet`, `arkitscenes`, `scannetpp`), sorted. */
  datasets: Record<string, string[]>;
  /** The meta_info files it was built from: base name, SHA-256 of the bytes, scene count. */
  sources: { file: string; sha256: string; scenes: number }[];
}

/** Reads VSI-Bench meta_info files (`{ <scene>: { dataset, … } }`) into the list; the `dataset` field decides the set. */
export function buildEvalSceneList(metaFiles: readonly string[]): EvalSceneList {
  if (metaFiles.length === 0) throw new InputError({ field: 'meta_info', message: 'expected at least one VSI-Bench meta_info file' });
  const datasets: Record<string, Set<string>> = {};
  const sources: EvalSceneList['sources'] = [];
  for (const file of metaFiles) {
    const r = new FieldReader(file);
    const root = r.object(readJsonFile(file), '(top level)');
    r.throwIfAny();
    const names = Object.keys(root!);
    if (names.length === 0) throw new InputError({ file, message: 'expected at least one scene, found an empty object' });
    for (const name of names) {
      const entry = r.object(root![name], name);
      const dataset = entry && r.string(entry.dataset, `${name}.dataset`);
      if (dataset !== undefined) (datasets[dataset] ??= new Set()).add(name);
    }
    r.throwIfAny();
    sources.push({ file: basename(file), sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), scenes: names.length });
  }
  const sorted = Object.fromEntries(Object.keys(datasets).sort().map((d) => [d, [...datasets[d]!].sort()]));
  return { benchmark: EVAL_BENCHMARK, datasets: sorted, sources };
}

/** Reads and checks a list file (the shipped one by default). */
export function readEvalSceneList(file: string): EvalSceneList {
  const r = new FieldReader(file);
  const root = r.object(parseJsonText(readFileSync(file, 'utf8'), file), '(top level)');
  r.throwIfAny();
  const benchmark = r.string(root!.benchmark, 'benchmark');
  const ds = r.object(root!.datasets, 'datasets');
  const datasets: Record<string, string[]> = {};
  for (const [d, ids] of Object.entries(ds ?? {})) {
    const list = r.array(ids, `datasets.${d}`);
    list?.forEach((id, i) => {
      const s = r.string(id, `datasets.${d}[${i}]`);
      if (s !== undefined) (datasets[d] ??= []).push(s);
    });
  }
  const src = r.array(root!.sources, 'sources') ?? [];
  r.throwIfAny();
  return { benchmark: benchmark!, datasets, sources: src as EvalSceneList['sources'] };
}

let shipped: { list: EvalSceneList; keys: Set<string> } | undefined;

const key = (dataset: string, id: string): string => `${dataset}\u0000${id}`;

function shippedList(): { list: EvalSceneList; keys: Set<string> } {
  if (!shipped) {
    const list = readEvalSceneList(resourceFile('vsibench', EVAL_SCENES_FILE));
    shipped = { list, keys: new Set(Object.entries(list.datasets).flatMap(([d, ids]) => ids.map((id) => key(d, id)))) };
  }
  return shipped;
}

/** The shipped list (resources/vsibench/eval_scenes.json), read once. */
export function evalSceneList(): EvalSceneList {
  return shippedList().list;
}

/** The dataset's own id of a stored scene: its id after the first `:` (the whole id when there is none). */
export function datasetSceneId(sceneId: string): string {
  const i = sceneId.indexOf(':');
  return i < 0 ? sceneId : sceneId.slice(i + 1);
}

/** Whether a stored scene (id and dataset as stored) is one of VSI-Bench's evaluation scenes. */
export function isEvalScene(scene: { id: string; dataset: string }): boolean {
  return shippedList().keys.has(key(scene.dataset, datasetSceneId(scene.id)));
}

/** The ids of those scenes that are evaluation scenes, sorted and without repeats. */
export function evalScenesAmong(scenes: Iterable<{ id: string; dataset: string }>): string[] {
  const out = new Set<string>();
  for (const s of scenes) if (isEvalScene(s)) out.add(s.id);
  return [...out].sort();
}
