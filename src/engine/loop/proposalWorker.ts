/**
 * The thread that proposes a round ahead (ahead.ts): the same pipeline, filters and sandbox as the loop's own
 * thread, on its own copy of the training scenes, so a round's questions are drafted and checked while the
 * loop's thread trains and evaluates the round before. It keeps its prepared scenes (and their program outcomes,
 * outcomes.ts) from round to round as the loop's thread would.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../../shared/errors.js';
import type { Scene } from '../../shared/scene.js';
import { prepareScene, type PreparedScene } from '../proposer/prepare.js';
import { runProposalRound } from '../proposer/pipeline.js';
import { startSandboxRunner } from '../proposer/sandboxRunner.js';
import type { AheadReply, AheadRequest } from './ahead.js';

const port = parentPort!;
const { scenes } = workerData as { entry: string; scenes: Scene[] };
const starting = startSandboxRunner();
let prepared: PreparedScene[] | undefined;

port.on('message', (m: AheadRequest) => {
  void (async (): Promise<AheadReply> => {
    try {
      const runner = await starting.ready;
      prepared ??= scenes.map((s) => prepareScene(s));
      const t0 = performance.now();
      const round = await runProposalRound({ scenes: prepared, requests: m.requests, seed: m.seed, runner });
      return { id: m.id, ok: true, qa: round.qa, ms: performance.now() - t0 };
    } catch (e) {
      return { id: m.id, ok: false, message: describeError(e) };
    }
  })().then((reply) => port.postMessage(reply));
});
