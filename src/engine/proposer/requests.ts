/** Request builders: how many proposals to ask for per scene × family × bin. */
import type { Family } from '../../shared/proposer.js';
import type { Rng } from '../../shared/random.js';
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

/**
 * Splits requests between two proposers: `share` of all requested drafts (rounded) goes to the second, chosen
 * draft by draft in a seeded order, so every cell keeps its count in total and the split is the same on resume.
 */
export function splitRequests(requests: readonly ProposalRequest[], share: number, rng: Rng): { rest: ProposalRequest[]; shared: ProposalRequest[] } {
  const units = requests.flatMap((r, i) => Array.from({ length: r.count }, () => i));
  const total = units.length;
  const take = Math.round(share * total);
  const chosen = new Array<number>(requests.length).fill(0);
  for (const i of rng.shuffle(units).slice(0, take)) chosen[i]!++;
  const rest: ProposalRequest[] = [];
  const shared: ProposalRequest[] = [];
  requests.forEach((r, i) => {
    const n = chosen[i]!;
    if (n > 0) shared.push({ ...r, count: n });
    if (r.count - n > 0) rest.push({ ...r, count: r.count - n });
  });
  return { rest, shared };
}
