/**
 * Source specs as users type them: `synthetic:N`, `vsibench:<meta_info.json>`, `scannet:<scan dir>`, `scannetpp:<scene dir>`,
 * `arkitscenes:<scene dir>`, `ply:<file.ply>`. One place maps them to importers, for the CLI and the UI.
 *
 * Built-in target domain (VSI-Bench val meta_info shipped in `resources/vsibench/`, see its README):
 * `vsibench:builtin` (ScanNet + ARKitScenes), `vsibench:builtin-scannet`, `vsibench:builtin-arkitscenes`.
 * These names win over a file of the same name in the working folder; write `vsibench:./builtin` for that.
 *
 * Any spec may end in `?part=train|reference|heldout` to keep only the scenes of that part of the fixed,
 * id-hashed partition (sources/parts.ts), e.g. `vsibench:builtin?part=heldout`, `synthetic:48?part=train`.
 * Only a trailing `?part=<word>` is the suffix; any other `?` stays part of the path.
 *
 * A `vsibench:` spec may also end in `?videos=<folder>` (before or after `?part=`; the folder's path has no `?`):
 * each scene takes camera images sampled from its video, `<folder>/<scene>.mp4` or `<folder>/<dataset>/<scene>.mp4`
 * as VSI-Bench ships them, e.g. `vsibench:builtin?videos=/data/vsibench?part=heldout` (sources/video.ts: needs
 * ffmpeg; the images are attached to the synthesised trajectory by uniform index).
 */
import { InputError } from '../../shared/errors.js';
import type { Scene } from '../../shared/scene.js';
import { resourceFile } from '../resources.js';
import { assertValidScene } from '../scene/validate.js';
import { importArkitScene } from './arkitscenes.js';
import { SCENE_PARTS, isScenePart, partOfScene } from './parts.js';
import type { ScenePart } from './parts.js';
import { importPlyScene } from './plyScene.js';
import { importScanNetScene, scanNetSceneIds } from './scannet.js';
import { importScanNetPPScene } from './scannetpp.js';
import { generateSyntheticScenes } from './synthetic.js';
import { attachSceneVideos } from './video.js';
import { importVsiMetaInfo } from './vsibench.js';

import { SOURCE_KINDS, type SourceSpecKind } from '../../shared/scene.js';

export { SOURCE_KINDS, type SourceSpecKind };

export interface SourceSpec {
  kind: SourceSpecKind;
  /** Count for synthetic, path (or a built-in name for vsibench) for the others. */
  arg: string;
  /** Keep only the scenes of this part of the fixed partition (`?part=` suffix); absent: all scenes. */
  part?: ScenePart;
  /** Folder of the scenes' videos (`?videos=` suffix, vsibench only): their frames become the frames' images. */
  videos?: string;
}

/** Built-in `vsibench:` names → meta_info files under resources/vsibench/. */
export const BUILTIN_VSIBENCH: Readonly<Record<string, readonly string[]>> = {
  builtin: ['scannet_meta_info_val.json', 'arkitscenes_meta_info_val.json'],
  'builtin-scannet': ['scannet_meta_info_val.json'],
  'builtin-arkitscenes': ['arkitscenes_meta_info_val.json'],
};

/**
 * Most scenes one `synthetic:N` source may generate. Every scene is generated before a run or an import starts
 * and held in memory: about 15 ms and 0.7 MB (mostly its point cloud) per scene, so the cap is already about
 * 7 GB and a few minutes; `synthetic:1000000000` would block its process until memory ran out.
 */
export const MAX_SYNTHETIC_SCENES = 10_000;

const PART_SUFFIX = /\?part=([A-Za-z0-9_-]*)$/;
const VIDEOS_SUFFIX = /\?videos=([^?]*)$/;

export function parseSourceSpec(spec: string): SourceSpec {
  let base = spec;
  let part: ScenePart | undefined;
  let videos: string | undefined;
  // Suffixes come off the end one at a time, so either order reads the same.
  for (;;) {
    const m = part === undefined ? PART_SUFFIX.exec(base) : null;
    if (m) {
      const word = m[1]!;
      if (!isScenePart(word)) {
        throw new InputError({ field: 'source', message: `"${spec}": unknown part "${word}", expected ?part= one of ${SCENE_PARTS.join(', ')}` });
      }
      part = word;
      base = base.slice(0, m.index);
      continue;
    }
    const v = videos === undefined ? VIDEOS_SUFFIX.exec(base) : null;
    if (v) {
      if (v[1] === '') throw new InputError({ field: 'source', message: `"${spec}": ?videos= needs a folder, e.g. ?videos=/data/vsibench` });
      videos = v[1]!;
      base = base.slice(0, v.index);
      continue;
    }
    break;
  }
  const i = base.indexOf(':');
  const kind = (i < 0 ? base : base.slice(0, i)) as SourceSpecKind;
  const arg = i < 0 ? '' : base.slice(i + 1);
  if (!SOURCE_KINDS.includes(kind)) {
    throw new InputError({ field: 'source', message: `unknown source "${spec}": expected one of ${SOURCE_KINDS.map((k) => `${k}:…`).join(', ')}` });
  }
  if (arg === '') throw new InputError({ field: 'source', message: `"${spec}" needs ${kind === 'synthetic' ? 'a count, e.g. synthetic:8' : `a path, e.g. ${kind}:/data/…`}` });
  if (kind === 'synthetic' && !(Number.isInteger(Number(arg)) && Number(arg) > 0)) {
    throw new InputError({ field: 'source', message: `"${spec}": expected a positive whole number of scenes` });
  }
  if (kind === 'synthetic' && Number(arg) > MAX_SYNTHETIC_SCENES) {
    throw new InputError({
      field: 'source',
      message: `"${spec}": at most ${MAX_SYNTHETIC_SCENES} synthetic scenes per source: every scene is generated up front and held in memory (about 0.7 MB of points each), so more would exhaust memory`,
    });
  }
  if (videos !== undefined && kind !== 'vsibench') {
    throw new InputError({
      field: 'source',
      message: `"${spec}": ?videos= is for vsibench sources, whose scenes have no camera images; ${kind} scans bring their own frames (see README, "Frames")`,
    });
  }
  return { kind, arg, ...(videos !== undefined ? { videos } : {}), ...(part ? { part } : {}) };
}

/** The spec as a user would type it (inverse of parseSourceSpec). */
export function formatSourceSpec(s: SourceSpec): string {
  return `${s.kind}:${s.arg}${s.videos !== undefined ? `?videos=${s.videos}` : ''}${s.part ? `?part=${s.part}` : ''}`;
}

/** The user's files and folders a source reads (none for synthetic and built-in sources): for access checks. */
export function sourceReadPaths(spec: SourceSpec | string): string[] {
  const s = typeof spec === 'string' ? parseSourceSpec(spec) : spec;
  const paths: string[] = [];
  if (s.kind !== 'synthetic' && !(s.kind === 'vsibench' && Object.hasOwn(BUILTIN_VSIBENCH, s.arg))) paths.push(s.arg);
  if (s.videos !== undefined) paths.push(s.videos);
  return paths;
}

export interface LoadOptions {
  seed?: number;
  /**
   * Trajectory frames: of synthesised trajectories (vsibench, synthetic), and the most frames a scan keeps,
   * sampled uniformly (scannet, scannetpp, arkitscenes; default every pose, or 32 when the frames carry images).
   */
  frames?: number;
  /**
   * Objects and room only: no point cloud or walkthrough synthesised where a source would make them (vsibench,
   * synthetic), for callers that read only the layout (a target's labels). Scans still read their own files.
   */
  layoutOnly?: boolean;
}

function loadAll(s: SourceSpec, options: LoadOptions): Scene[] {
  const seed = options.seed ?? 0;
  const frames = options.frames !== undefined ? { frames: options.frames } : {};
  const layoutOnly = options.layoutOnly === true;
  switch (s.kind) {
    case 'synthetic':
      return generateSyntheticScenes(Number(s.arg), seed, { ...frames, ...(layoutOnly ? { points: false, trajectory: false } : {}) });
    case 'vsibench': {
      const builtin = Object.hasOwn(BUILTIN_VSIBENCH, s.arg) ? BUILTIN_VSIBENCH[s.arg]! : undefined;
      const files = builtin ? builtin.map((f) => resourceFile('vsibench', f)) : [s.arg];
      const part = s.part;
      const keep = part ? { keep: (id: string) => partOfScene(id) === part } : {};
      return files.flatMap((f) => importVsiMetaInfo(f, { seed, ...frames, ...keep, ...(layoutOnly ? { synthesizePoints: false, synthesizeTrajectory: false } : {}) }).scenes);
    }
    case 'scannet': {
      // A folder holding several scans (as ScanNet's own scans/ tree does per scene) imports each of them.
      const ids = scanNetSceneIds(s.arg);
      return ids.length > 1 ? ids.map((sceneId) => importScanNetScene(s.arg, { seed, sceneId, ...frames })) : [importScanNetScene(s.arg, { seed, ...frames })];
    }
    case 'scannetpp':
      return [importScanNetPPScene(s.arg, { seed, ...frames })];
    case 'arkitscenes':
      return [importArkitScene(s.arg, { seed, ...frames })];
    case 'ply':
      return [importPlyScene(s.arg, { seed })];
  }
}

/** Reads every scene of a source (of its part, if given), validated; throws InputError naming the file and field on bad input. */
export function loadScenes(spec: SourceSpec | string, options: LoadOptions = {}): Scene[] {
  const s = typeof spec === 'string' ? parseSourceSpec(spec) : spec;
  const all = loadAll(s, options);
  const kept = s.part ? all.filter((scene) => partOfScene(scene.id) === s.part) : all;
  if (s.part && kept.length === 0) {
    throw new InputError({ field: 'source', message: `"${formatSourceSpec(s)}": none of its scenes falls in part ${s.part}` });
  }
  // After the cut: decoding videos of scenes that are not kept would be wasted minutes.
  if (s.videos !== undefined) {
    attachSceneVideos(kept, s.videos);
    for (const scene of kept) assertValidScene(scene, s.videos);
  }
  return kept;
}
