/**
 * Source specs as users type them: `synthetic:N`, `vsibench:<meta_info.json>`, `scannet:<scan dir>`,
 * `arkitscenes:<scene dir>`, `ply:<file.ply>`. One place maps them to importers, for the CLI and the UI.
 */
import { InputError } from '../../shared/errors.js';
import type { Scene } from '../../shared/scene.js';
import { importArkitScene } from './arkitscenes.js';
import { importPlyScene } from './plyScene.js';
import { importScanNetScene } from './scannet.js';
import { generateSyntheticScenes } from './synthetic.js';
import { importVsiMetaInfo } from './vsibench.js';

export const SOURCE_KINDS = ['synthetic', 'vsibench', 'scannet', 'arkitscenes', 'ply'] as const;
export type SourceSpecKind = (typeof SOURCE_KINDS)[number];

export interface SourceSpec {
  kind: SourceSpecKind;
  /** Count for synthetic, path for the others. */
  arg: string;
}

export function parseSourceSpec(spec: string): SourceSpec {
  const i = spec.indexOf(':');
  const kind = (i < 0 ? spec : spec.slice(0, i)) as SourceSpecKind;
  const arg = i < 0 ? '' : spec.slice(i + 1);
  if (!SOURCE_KINDS.includes(kind)) {
    throw new InputError({ field: 'source', message: `unknown source "${spec}": expected one of ${SOURCE_KINDS.map((k) => `${k}:…`).join(', ')}` });
  }
  if (arg === '') throw new InputError({ field: 'source', message: `"${spec}" needs ${kind === 'synthetic' ? 'a count, e.g. synthetic:8' : `a path, e.g. ${kind}:/data/…`}` });
  if (kind === 'synthetic' && !(Number.isInteger(Number(arg)) && Number(arg) > 0)) {
    throw new InputError({ field: 'source', message: `"${spec}": expected a positive whole number of scenes` });
  }
  return { kind, arg };
}

export interface LoadOptions {
  seed?: number;
  /** Frames of synthesised trajectories. */
  frames?: number;
}

/** Reads every scene of a source, validated; throws InputError naming the file and field on bad input. */
export function loadScenes(spec: SourceSpec | string, options: LoadOptions = {}): Scene[] {
  const s = typeof spec === 'string' ? parseSourceSpec(spec) : spec;
  const seed = options.seed ?? 0;
  switch (s.kind) {
    case 'synthetic':
      return generateSyntheticScenes(Number(s.arg), seed, options.frames !== undefined ? { frames: options.frames } : {});
    case 'vsibench':
      return importVsiMetaInfo(s.arg, { seed, ...(options.frames !== undefined ? { frames: options.frames } : {}) }).scenes;
    case 'scannet':
      return [importScanNetScene(s.arg, { seed })];
    case 'arkitscenes':
      return [importArkitScene(s.arg, { seed })];
    case 'ply':
      return [importPlyScene(s.arg, { seed })];
  }
}
