/**
 * The train stage when the model is an endpoint's (config.endpoint): the workbench does not train a 4B model
 * itself, the researcher's trainer does. The round's selected samples are marked trained and exported as a
 * LLaMA-Factory dataset (exchange/exportQa.ts, format llama-factory) under the workspace's handoff folder; then
 * the run's trainer command (config.trainerCommand) runs on it, its output in the run's log, its exit code
 * checked, stopped with the run. Rounds after it ask the model the trainer serves under the next name
 * (answerer.ts › modelForRound). With `awaitModel` the run pauses until the user registers the model trained on
 * the export (store: endpoint_models). Without either the model stays as it is.
 *
 * The command is the user's own, from their run settings (never text a model wrote), so it runs through the
 * shell like any command they type; placeholders are shell-quoted.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { QaRecord } from '../../shared/records.js';
import { exportQa } from '../exchange/exportQa.js';
import { InputError } from '../../shared/errors.js';
import type { LoopStage } from '../../shared/records.js';
import { getRun, listRounds, markTrained, registerEndpointModel, registeredEndpointModel, updateRound, type Store } from '../store/index.js';
import { storedLoopConfig } from './config.js';
import { modelForRound } from './answerer.js';
import { Cancelled, OutsideStop, type LoopContext } from './context.js';

/** Where round k's hand-off lives: <workspace>/handoff/<run id>/round-<k>/{dataset,output}. */
export function handoffDir(workspaceDir: string, runId: string, k: number): string {
  return join(workspaceDir, 'handoff', runId, `round-${k}`);
}

const shellQuote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

/** The trainer command with its placeholders filled ({dataset}, {round}, {output}, {model}), each shell-quoted. */
export function trainerCommandLine(template: string, values: { dataset: string; round: number; output: string; model: string }): string {
  return template
    .replaceAll('{dataset}', shellQuote(values.dataset))
    .replaceAll('{round}', String(values.round))
    .replaceAll('{output}', shellQuote(values.output))
    .replaceAll('{model}', shellQuote(values.model));
}

export async function handOff(ctx: LoopContext, k: number, selection: readonly QaRecord[]): Promise<string> {
  const { config, run, store } = ctx;
  const dir = handoffDir(store.workspaceDir, run.id, k);
  const dataset = join(dir, 'dataset');
  const output = join(dir, 'output');
  markTrained(store, run.id, k, selection.map((q) => q.id));
  // The run's own training, not an export for someone else's: its start already warned about evaluation scenes.
  const summary = exportQa(store, { runId: run.id, round: k, outDir: dataset, format: 'llama-factory', trained: true, overwrite: true, allowEvalScenes: true });
  ctx.log('info', `round ${k}: ${summary.questions} training samples exported for your trainer (LLaMA-Factory format) to ${dataset}`);
  if (config.awaitModel) {
    const registered = registeredEndpointModel(store, run.id, k + 1);
    if (registered === undefined) {
      throw new OutsideStop(
        `awaiting model: round ${k}'s ${summary.questions} training samples are in ${dataset} (LLaMA-Factory format); train your model on them, serve it, then register it: npm run loop -- --resume ${run.id} --endpoint-model <name> (or in the workbench's run view)`,
      );
    }
    updateRound(store, run.id, k, { stage: 'train' });
    return `${selection.length} samples; next rounds ask the registered model ${registered}`;
  }
  if (config.trainerCommand === null) {
    updateRound(store, run.id, k, { stage: 'train' });
    return `${selection.length} samples exported; no trainer command, the endpoint's model is unchanged`;
  }
  mkdirSync(output, { recursive: true });
  const model = modelForRound(config.endpoint!.model, k + 1);
  const line = trainerCommandLine(config.trainerCommand, { dataset, round: k, output, model });
  ctx.log('info', `round ${k}: running the trainer: ${line}`);
  await runTrainer(ctx, k, line);
  updateRound(store, run.id, k, { stage: 'train' });
  return `${selection.length} samples; the trainer finished, next rounds ask ${model}`;
}

/** Runs the command in its own process group (so stopping reaches its children), its lines into the run's log. */
function runTrainer(ctx: LoopContext, k: number, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', line], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const forward = (level: 'info' | 'warn') => {
      let rest = '';
      return (chunk: Buffer): void => {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) if (l.trim() !== '') ctx.log(level, `trainer: ${l.slice(0, 2000)}`);
      };
    };
    child.stdout.on('data', forward('info'));
    child.stderr.on('data', forward('warn'));
    const stop = (): void => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // Gone already.
      }
    };
    ctx.signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (e) => reject(new OutsideStop(`round ${k}: the trainer command could not start: ${e.message}`)));
    child.on('close', (code, signal) => {
      ctx.signal?.removeEventListener('abort', stop);
      if (ctx.signal?.aborted) reject(new Cancelled('while the trainer ran'));
      else if (code === 0) resolve();
      else reject(new OutsideStop(`round ${k}: the trainer command ${signal ? `was killed (${signal})` : `exited with code ${code}`}; fix it and resume the run (the round's dataset stays where it was)`));
    });
  });
}

/**
 * Registers the model trained on a waiting run's latest export (LoopConfig.awaitModel): the round whose train
 * stage has not finished gets `model` for every round after it. Returns that round.
 */
export function registerNextModel(store: Store, runId: string, model: string): { round: number } {
  const run = getRun(store, runId);
  const config = storedLoopConfig(run.config);
  if (!config.awaitModel) throw new InputError({ field: '--endpoint-model', message: `run ${runId} does not wait for models (its settings have no awaitModel); its endpoint model is ${config.endpoint?.model ?? 'none'}` });
  if (model.trim() === '' || model.length > 500) throw new InputError({ field: '--endpoint-model', message: 'expected a model name of 1 to 500 characters' });
  const done = (stage: LoopStage | null): boolean => stage === 'train' || stage === 'evaluate';
  const waiting = listRounds(store, runId).find((it) => it.status !== 'completed' && !done(it.stage));
  if (!waiting) throw new InputError({ field: '--endpoint-model', message: `run ${runId} is not waiting for a model: no round is before its train stage` });
  registerEndpointModel(store, runId, waiting.round + 1, model.trim());
  return { round: waiting.round };
}
