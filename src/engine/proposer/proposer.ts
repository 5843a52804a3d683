/**
 * A Proposer turns (scene, family, difficulty bin, count) requests into Proposals. The programmatic proposer
 * below is the first implementation; a generative proposer (a model writing question + program) implements
 * the same interface, and its proposals go through the same sandboxed execution and filters.
 */
import type { Family } from '../../shared/proposer.js';
import type { Rng } from '../../shared/random.js';
import { hashSeed, createRng } from '../../shared/random.js';
import { FAMILY_SPECS } from './families/index.js';
import type { SceneApi } from './program/types.js';
import type { Proposal } from './types.js';

export interface ProposalRequest {
  sceneId: string;
  family: Family;
  bin: number;
  count: number;
}

/** Why a request produced fewer proposals than asked, per scene × family. */
export interface Shortfall {
  sceneId: string;
  family: Family;
  missing: number;
  reason: string;
}

export interface ProposeInput {
  sceneId: string;
  api: SceneApi;
  requests: ProposalRequest[];
  /** Round seed; every proposal derives its own seed from it, the scene, the family and its index. */
  seed: number;
}

export interface Proposer {
  readonly name: string;
  propose(input: ProposeInput): { proposals: Proposal[]; shortfalls: Shortfall[] };
}

export class ProgrammaticProposer implements Proposer {
  readonly name = 'programmatic';

  propose({ sceneId, api, requests, seed }: ProposeInput): { proposals: Proposal[]; shortfalls: Shortfall[] } {
    const proposals: Proposal[] = [];
    const shortfalls: Shortfall[] = [];
    for (const req of requests) {
      const spec = FAMILY_SPECS[req.family];
      let made = 0;
      let lastSkip = '';
      for (let i = 0; i < req.count; i++) {
        const s = hashSeed(seed, `${sceneId}|${req.family}|${req.bin}|${i}`);
        const rng: Rng = createRng(s);
        const draft = spec.draft({ sceneId, api, rng, bin: req.bin });
        if ('skip' in draft) {
          lastSkip = draft.skip;
          break;
        }
        proposals.push({ ...draft, id: `${sceneId}/${req.family}/${s.toString(16)}`, sceneId, proposer: this.name, seed: s });
        made++;
      }
      if (made < req.count) shortfalls.push({ sceneId, family: req.family, missing: req.count - made, reason: lastSkip });
    }
    return { proposals, shortfalls };
  }
}
