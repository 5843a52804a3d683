/** Request builders: how many proposals to ask for per scene × family × bin. */
import type { Family } from '../../shared/proposer.js';
import { FAMILIES } from '../../shared/proposer.js';
import { FAMILY_SPECS } from './families/index.js';
import type { ProposalRequest } from './proposer.js';

/** The same number of proposals for every family and difficulty bin of every scene (no feedback). */
export function uniformRequests(sceneIds: readonly string[], perBin: number, families: readonly Family[] = FAMILIES): ProposalRequest[] {
  const out: ProposalRequest[] = [];
  for (const sceneId of sceneIds)
    for (const family of families)
      for (let bin = 0; bin < FAMILY_SPECS[family].bins; bin++) out.push({ sceneId, family, bin, count: perBin });
  return out;
}
