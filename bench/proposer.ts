/**
 * Validated QA per second: drafting + sandboxed execution + every filter, the blind baseline included. Drafting
 * and the filters run on the calling thread, the programs on the sandbox's, side by side (proposer/CONTEXT.md),
 * so the CPU time of both is reported too: QA per CPU-second is the rate the same work would have on one core.
 * Scene preparation (visibility, distance tables) is reported apart: it runs once per scene, not per question.
 */
import { runProposalRound } from '../src/engine/proposer/pipeline.js';
import { prepareScene } from '../src/engine/proposer/prepare.js';
import { uniformRequests } from '../src/engine/proposer/requests.js';
import { createSandboxRunner } from '../src/engine/proposer/sandboxRunner.js';
import { generateSyntheticScenes } from '../src/engine/sources/synthetic.js';
import type { BenchModule } from './harness.js';

export const proposerBench: BenchModule = {
  title: 'Proposer: validated QA per second',
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
      let best: { ms: number; cpuMs: number; result: Awaited<ReturnType<typeof runProposalRound>> } | undefined;
      const rates: number[] = [];
      for (let round = 1; round <= 3; round++) {
        const t1 = performance.now();
        // The process's CPU time: every thread's, the sandbox's included.
        const c1 = process.cpuUsage();
        const result = await runProposalRound({ scenes: prepared, requests, seed: round, runner });
        const ms = performance.now() - t1;
        const c2 = process.cpuUsage(c1);
        rates.push(result.qa.length / (ms / 1000));
        if (!best || ms < best.ms) best = { ms, cpuMs: (c2.user + c2.system) / 1000, result };
      }
      ctx.log(`rounds 1 / 2 / 3: ${rates.map((r) => `${(r / 1000).toFixed(1)}k`).join(' / ')} QA/s`);
      // Rounds 2 and 3 take about half their programs' outcomes from earlier rounds (a program runs once per scene:
      // proposer/outcomes.ts), as the loop's later rounds over the same scenes do. A fourth round with every kept
      // outcome dropped shows the rate without that.
      for (const p of prepared) p.outcomes.clear();
      const c4 = process.cpuUsage();
      const t4 = performance.now();
      const cold = await runProposalRound({ scenes: prepared, requests, seed: 4, runner });
      const coldMs = performance.now() - t4;
      const coldCpu = process.cpuUsage(c4);
      const coldCpuMs = (coldCpu.user + coldCpu.system) / 1000;
      const versus = (r: number): string => `target ≥ 20,000/s: ${r >= 20000 ? 'met' : 'short — see the shares'}`;
      const { ms, cpuMs, result } = best!;
      const n = result.qa.length;
      const rate = n / (ms / 1000);
      const { draftMs, executeMs, filterMs } = result.timing;
      ctx.log(`${n} proposals over ${sceneCount} scenes, ${result.qa.filter((q) => q.verdict === 'accepted').length} accepted`);
      return [
        { name: 'validated QA / s (draft + sandbox + filters)', value: rate, unit: 'QA/s', note: `best of 3 rounds; ${versus(rate)}` },
        { name: 'validated QA per CPU-second, all threads', value: n / (cpuMs / 1000), unit: 'QA/s', note: `the rate on one core; ${(cpuMs / ms).toFixed(2)} cores busy on average in that round; ${versus(n / (cpuMs / 1000))}` },
        { name: 'validated QA / s, no outcome kept from earlier rounds', value: cold.qa.length / (coldMs / 1000), unit: 'QA/s', note: 'round 4, every scene\'s kept outcomes dropped first' },
        { name: 'validated QA per CPU-second, the same round', value: cold.qa.length / (coldCpuMs / 1000), unit: 'QA/s', note: `${(coldCpuMs / coldMs).toFixed(2)} cores busy; ${versus(cold.qa.length / (coldCpuMs / 1000))}` },
        { name: 'share: drafting (host geometry)', value: (100 * draftMs) / ms, unit: '%' },
        { name: 'share: waiting for the sandbox beyond the work beside it', value: (100 * executeMs) / ms, unit: '%' },
        { name: 'share: filters (incl. blind baseline)', value: (100 * filterMs) / ms, unit: '%' },
        { name: 'scene preparation (visibility + distance table)', value: prepMs / sceneCount, unit: 'ms/scene', note: 'once per scene' },
      ];
    } finally {
      runner.dispose();
    }
  },
};
