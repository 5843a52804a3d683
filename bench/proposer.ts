/**
 * Validated QA per second on one core: drafting + sandboxed execution + every filter, the blind baseline
 * included. Scene preparation (visibility, distance tables) is reported apart: it runs once per scene, not
 * per question.
 */
import { runProposalRound } from '../src/engine/proposer/pipeline.js';
import { prepareScene } from '../src/engine/proposer/prepare.js';
import { uniformRequests } from '../src/engine/proposer/requests.js';
import { createSandboxRunner } from '../src/engine/proposer/sandboxRunner.js';
import { generateSyntheticScenes } from '../src/engine/sources/synthetic.js';
import type { BenchModule } from './harness.js';

export const proposerBench: BenchModule = {
  title: 'Proposer: validated QA per second (one core)',
  async run(ctx) {
    const sceneCount = ctx.quick ? 4 : 40;
    const perBin = ctx.quick ? 2 : 12;
    const scenes = generateSyntheticScenes(sceneCount, 7, { points: false });
    const t0 = performance.now();
    const prepared = scenes.map((s) => prepareScene(s));
    const prepMs = performance.now() - t0;
    const runner = await createSandboxRunner();
    try {
      const requests = uniformRequests(prepared.map((p) => p.scene.id), perBin);
      await runProposalRound({ scenes: prepared.slice(0, 2), requests, seed: 0, runner }); // warm-up
      // Best of three rounds (different seeds, same work): the machine's other load only ever adds time.
      // Each round's rate is printed too: V8 is still compiling the proposer's hot paths through the first full
      // rounds, so the rates climb (measured 9–11k, 13–14k, 16–20k QA/s on the 2-core EPYC).
      let best: { ms: number; result: Awaited<ReturnType<typeof runProposalRound>> } | undefined;
      const rates: number[] = [];
      for (let round = 1; round <= 3; round++) {
        const t1 = performance.now();
        const result = await runProposalRound({ scenes: prepared, requests, seed: round, runner });
        const ms = performance.now() - t1;
        rates.push(result.qa.length / (ms / 1000));
        if (!best || ms < best.ms) best = { ms, result };
      }
      ctx.log(`rounds 1 / 2 / 3: ${rates.map((r) => `${(r / 1000).toFixed(1)}k`).join(' / ')} QA/s`);
      const { ms, result } = best!;
      const n = result.qa.length;
      const rate = n / (ms / 1000);
      const { draftMs, executeMs, filterMs } = result.timing;
      ctx.log(`${n} proposals over ${sceneCount} scenes, ${result.qa.filter((q) => q.verdict === 'accepted').length} accepted`);
      return [
        { name: 'validated QA / s (draft + sandbox + filters)', value: rate, unit: 'QA/s', note: `best of 3 rounds; target ≥ 20,000/s: ${rate >= 20000 ? 'met' : 'short — bound by the QuickJS interpreter per program and host-side drafting/filters, see the shares'}` },
        { name: 'share: drafting (host geometry)', value: (100 * draftMs) / ms, unit: '%' },
        { name: 'share: sandboxed program execution', value: (100 * executeMs) / ms, unit: '%' },
        { name: 'share: filters (incl. blind baseline)', value: (100 * filterMs) / ms, unit: '%' },
        { name: 'µs per program in the sandbox', value: (1000 * executeMs) / n, unit: 'µs' },
        { name: 'scene preparation (visibility + distance table)', value: prepMs / sceneCount, unit: 'ms/scene', note: 'once per scene' },
      ];
    } finally {
      runner.dispose();
    }
  },
};
