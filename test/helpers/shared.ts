/** Paths to ../shared data, which tests may read and the product must not depend on. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDir = resolve(repoRoot, '../shared');
export const vsiMetaDir = join(sharedDir, 'data/vsibench-meta');
export const scannetMetaFile = join(vsiMetaDir, 'scannet_meta_info_val.json');
export const arkitMetaFile = join(vsiMetaDir, 'arkitscenes_meta_info_val.json');

export function requireSharedData(): void {
  if (!existsSync(scannetMetaFile) || !existsSync(arkitMetaFile)) {
    throw new Error(`the shared VSI-Bench metadata is missing: expected ${vsiMetaDir} beside the checkout`);
  }
}
