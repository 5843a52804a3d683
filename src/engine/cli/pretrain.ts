/**
 * `npm run pretrain -- [--target SOURCE]… [--model default|large|tiny] [--provider cpu|cuda] [--families F,F,…] [--seed N] [--workspace DIR]`:
 * makes the base model for a target domain (default: the built-in VSI-Bench target) — the solver pretrained on
 * synthetic rooms (loop/base.ts › BASE_PROTOCOL) knowing the target's category names — or finds the one this
 * workspace already has with identical settings. Prints its checkpoint id and its held-out scores per family on
 * its own (synthetic) held-out rooms; `npm run loop` and `npm run experiment` make or reuse the same base.
 * `--families` pretrains on those question families only (an ablation's base); `npm run loop -- --from-checkpoint ID`
 * then starts from it. `--seed N` trains with another seed (initialisation and sampling; the rooms and held-out
 * questions stay those of data seed 0): a second base of the same protocol, to see how much results owe to the
 * base's own luck.
 *
 * `--bundle`: trains the built-in target's base in a fresh workspace (a new temporary folder, or --workspace DIR,
 * which must hold no shipped run), never importing a shipped one, and writes it to resources/models/ as the file
 * the app ships (loop/shipped.ts), with its scores as the main job's starting model (loop/shipped.ts ›
 * ShippedStartScores), printing its SHA-256 for SHIPPED_MODELS. Training and scoring are deterministic, so the same
 * code gives the same bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { LoopConfig } from '../../shared/loop.js';
import { BASE_PROTOCOL, BASE_SCORE_METRIC, BUILTIN_TARGET, MAIN_JOB, baseConfig, ensureModel, heldoutByRound } from '../loop/index.js';
import { SHIPPED_MODELS, SHIPPED_TAG, measureStartScores, packShippedRun, solverSourceSha256 } from '../loop/shipped.js';
import { resourcesDir } from '../resources.js';
import { listMetrics, openStore } from '../store/index.js';
import { resolveWorkspaceDir } from '../store/workspace.js';
import { flag, intFlag, parseArgs } from './args.js';
import { familyRows, intervalText, pct } from './heldoutText.js';
import { runCli } from './main.js';
import { ProgressView } from './progressView.js';

const USAGE = `usage: npm run pretrain -- [--target SOURCE]… [--model default|large|tiny] [--provider cpu|cuda] [--families F,F,…] [--seed N]
                         [--workspace DIR] [--quiet]
       npm run pretrain -- --bundle [--workspace DIR]
  makes the base model for a target domain (default: the built-in VSI-Bench target), or finds the one the workspace
  has with these settings, and prints its checkpoint id and held-out scores; --bundle rebuilds the shipped base
  (resources/models/) from scratch and prints its SHA-256`;

runCli(async () => {
  const args = parseArgs(process.argv.slice(2), { target: 'string', model: 'string', provider: 'string', families: 'string', seed: 'string', workspace: 'string', quiet: 'boolean', debug: 'boolean', bundle: 'boolean' });
  const bundle = flag(args, 'bundle') === 'true';
  if (args.positionals.length > 0) throw new InputError({ message: `unexpected argument "${args.positionals[0]}"\n${USAGE}` });
  if (bundle && ['target', 'model', 'provider', 'families', 'seed'].some((f) => args.flags.has(f))) {
    throw new InputError({ field: '--bundle', message: 'the shipped base is the built-in target\'s default model on the CPU, every family, seed 0: drop --target, --model, --provider, --families and --seed' });
  }
  const seed = intFlag(args, 'seed', BASE_PROTOCOL.seed!);
  const target = args.flags.get('target')?.flatMap((s) => s.split(',')).filter((s) => s !== '') ?? [...BUILTIN_TARGET.train, ...BUILTIN_TARGET.reference, ...BUILTIN_TARGET.heldout];
  const dirFlag = flag(args, 'workspace');
  // A bundle is built from scratch: a new folder unless one is named (then only runs trained there are used).
  const fresh = bundle && dirFlag === undefined ? mkdtempSync(join(tmpdir(), 'ouroboros-bundle-')) : undefined;
  const store = openStore({ workspaceDir: fresh ?? resolveWorkspaceDir(dirFlag !== undefined ? { flag: dirFlag } : {}) });
  const view = new ProgressView(process.stderr, flag(args, 'quiet') === 'true');
  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort());
  try {
    const config = baseConfig(target, {
      ...(flag(args, 'model') ? { model: flag(args, 'model') as LoopConfig['model'] } : {}),
      ...(flag(args, 'provider') ? { executionProvider: flag(args, 'provider') as LoopConfig['executionProvider'] } : {}),
      // Comma-separated, as for the loop; its validator names an unknown or repeated family.
      ...(seed !== BASE_PROTOCOL.seed ? { seed } : {}),
      ...(flag(args, 'families') ? { families: flag(args, 'families')!.split(',').map((f) => f.trim()) as LoopConfig['families'] } : {}),
    });
    process.stdout.write(`base model: ${BASE_PROTOCOL.scenes!.join(' ')}, ${BASE_PROTOCOL.rounds} × ${BASE_PROTOCOL.steps} steps × ${BASE_PROTOCOL.batch}, no feedback; vocabulary knows ${config.extraLabels!.length} target labels\n`);
    const model = await ensureModel(store, config, { onEvent: (e) => view.event(e), signal: controller.signal, ...(bundle ? { shipped: [] } : {}) });
    view.finish();
    const scores = [...heldoutByRound(listMetrics(store, { runId: model.run.id })).values()];
    const last = scores[scores.length - 1];
    if (last) {
      process.stdout.write(`held-out (synthetic rooms the base never trained on), per family:\n`);
      process.stdout.write(`${familyRows(last).join('\n')}\n`);
      process.stdout.write(`  ${'overall'.padEnd(30)} ${pct(last.overall).padStart(6)}${last.interval ? `  (95% CI ${intervalText(last)})` : ''}\n`);
    }
    if (bundle) {
      if (model.run.tags.includes(SHIPPED_TAG)) throw new InputError({ field: '--workspace', message: `run ${model.run.id} there was imported from a shipped file, not trained: use a fresh workspace` });
      // The base as the main job's starting model, scored as its round 0 would, shipped so a fresh workspace's
      // first main job does not score it again (it checks the questions and observations are the same).
      const start = await measureStartScores(store, model.checkpointId, MAIN_JOB);
      const overall = start.figures.find((f) => f.metric === BASE_SCORE_METRIC && f.family === null);
      process.stdout.write(`as the main job's starting model: ${overall ? pct(overall.value) : '?'} on ${start.benchmark}\n`);
      const file = join(resourcesDir(), 'models', SHIPPED_MODELS[0]!.file);
      const bytes = await packShippedRun(store, model.run.id, solverSourceSha256(), [start]);
      writeFileSync(file, bytes);
      const sha = createHash('sha256').update(bytes).digest('hex');
      process.stdout.write(`wrote ${file} (${bytes.length} bytes)\nsha256 ${sha}${sha === SHIPPED_MODELS[0]!.sha256 ? ' (the one this build ships)' : ': put it in SHIPPED_MODELS (src/engine/loop/shipped.ts)'}\n`);
    }
    process.stdout.write(`${model.shipped ? 'imported the shipped' : model.reused ? 'reused' : 'trained'} base: run ${model.run.id}, checkpoint ${model.checkpointId}; stored in ${store.dbPath}\n`);
  } finally {
    store.close();
    if (fresh) rmSync(fresh, { recursive: true, force: true });
  }
}, USAGE);
