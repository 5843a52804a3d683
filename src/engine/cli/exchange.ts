/**
 * `npm run exchange -- export …` — a run's accepted (or trained-on) QA as VSI-Bench-style JSONL, LLaVA-NeXT
 * conversations or a LLaMA-Factory dataset with rendered frames; `npm run exchange -- export-benchmark …` — the
 * run's held-out benchmark as an lmms-eval task; `npm run exchange -- eval-questions …` — answers a VSI-Bench
 * question file with a stored checkpoint and writes predictions. The work is in src/engine/exchange/commands.ts.
 */
import { InputError } from '../../shared/errors.js';
import { evalQuestionsCommand, exportBenchmarkCommand, exportCommand } from '../exchange/commands.js';
import { BENCHMARK_FORMATS, type BenchmarkFormat } from '../exchange/exportBenchmark.js';
import { TASK_NAME } from '../exchange/lmmsEval.js';
import { EXPORT_FORMATS, type ExportFormat } from '../exchange/exportQa.js';
import { resolveWorkspaceDir } from '../store/workspace.js';
import { flag, intFlag, parseCommandArgs, type FlagSpec, type ParsedArgs } from './args.js';
import { runCli } from './main.js';
import { printableText } from './terminalText.js';

const USAGE = `usage:
  npm run exchange -- export --run <id> --out <dir> [--round K] [--trained] [--format jsonl|conversation|both|llama-factory] [--frames 8] [--allow-eval-scenes] [--overwrite] [--workspace DIR]
  npm run exchange -- export-benchmark --run <id> --out <dir> [--format lmms-eval] [--task NAME] [--frames 8] [--overwrite] [--workspace DIR]
  npm run exchange -- eval-questions --questions <file> (--checkpoint <id> | --endpoint <url> --endpoint-model <name> [--endpoint-key-env VAR] [--endpoint-frames N])
                     --out <predictions.jsonl> [--frames N] [--seed N] [--provider cpu|cuda] [--overwrite] [--workspace DIR]`;

const COMMON: FlagSpec = { overwrite: 'boolean', workspace: 'string', debug: 'boolean' };
const COMMANDS: Record<string, FlagSpec> = {
  export: { run: 'string', round: 'string', trained: 'boolean', out: 'string', frames: 'string', format: 'string', 'allow-eval-scenes': 'boolean', ...COMMON },
  'export-benchmark': { run: 'string', out: 'string', format: 'string', task: 'string', frames: 'string', ...COMMON },
  'eval-questions': {
    questions: 'string',
    checkpoint: 'string',
    endpoint: 'string',
    'endpoint-model': 'string',
    'endpoint-key-env': 'string',
    'endpoint-frames': 'string',
    out: 'string',
    frames: 'string',
    seed: 'string',
    provider: 'string',
    ...COMMON,
  },
};

function required(args: ParsedArgs, name: string): string {
  const v = flag(args, name);
  if (v === undefined || v === '') throw new InputError({ field: `--${name}`, message: `missing; it is required\n${USAGE}` });
  return v;
}

runCli(async () => {
  const args = parseCommandArgs(process.argv.slice(2), COMMANDS);
  const [command, ...extra] = args.positionals;
  if (extra.length > 0) throw new InputError({ message: `unexpected argument "${extra[0]}"\n${USAGE}` });
  const workspaceFlag = flag(args, 'workspace');
  const workspaceDir = resolveWorkspaceDir(workspaceFlag !== undefined ? { flag: workspaceFlag } : {});
  const overwrite = flag(args, 'overwrite') === 'true';
  if (command === 'export') {
    const format = flag(args, 'format') ?? 'both';
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new InputError({ field: '--format', message: `expected one of ${EXPORT_FORMATS.join(', ')}, found "${format}"` });
    const round = flag(args, 'round') !== undefined ? intFlag(args, 'round', 0) : undefined;
    const report = await exportCommand(workspaceDir, {
      runId: required(args, 'run'),
      outDir: required(args, 'out'),
      format: format as ExportFormat,
      trained: flag(args, 'trained') === 'true',
      allowEvalScenes: flag(args, 'allow-eval-scenes') === 'true',
      frames: intFlag(args, 'frames', 8, 1),
      overwrite,
      ...(round !== undefined ? { round } : {}),
    });
    // Reports name runs, scenes and files that came from elsewhere (terminalText.ts).
    process.stdout.write(printableText(report, Number.POSITIVE_INFINITY));
    return;
  }
  if (command === 'export-benchmark') {
    const format = flag(args, 'format') ?? 'lmms-eval';
    if (!(BENCHMARK_FORMATS as readonly string[]).includes(format)) throw new InputError({ field: '--format', message: `expected one of ${BENCHMARK_FORMATS.join(', ')}, found "${format}"` });
    const task = flag(args, 'task');
    if (task !== undefined && !TASK_NAME.test(task)) throw new InputError({ field: '--task', message: `expected a letter then letters, digits or _ (at most 100), found "${task}"` });
    const report = await exportBenchmarkCommand(workspaceDir, {
      runId: required(args, 'run'),
      outDir: required(args, 'out'),
      format: format as BenchmarkFormat,
      frames: intFlag(args, 'frames', 8, 1),
      overwrite,
      ...(task !== undefined ? { task } : {}),
    });
    process.stdout.write(printableText(report, Number.POSITIVE_INFINITY));
    return;
  }
  if (command === 'eval-questions') {
    const provider = flag(args, 'provider') ?? 'cpu';
    if (provider !== 'cpu' && provider !== 'cuda') throw new InputError({ field: '--provider', message: `expected cpu or cuda, found "${provider}"` });
    const frames = flag(args, 'frames') !== undefined ? intFlag(args, 'frames', 32, 1) : undefined;
    const endpoint = flag(args, 'endpoint');
    if ((endpoint === undefined) === (flag(args, 'checkpoint') === undefined)) {
      throw new InputError({ field: '--checkpoint', message: 'pass --checkpoint ID (the built-in solver) or --endpoint URL --endpoint-model NAME (your model), one of them' });
    }
    const keyEnv = flag(args, 'endpoint-key-env');
    const answerer =
      endpoint !== undefined
        ? {
            endpoint: {
              baseUrl: endpoint,
              model: required(args, 'endpoint-model'),
              ...(keyEnv !== undefined ? { apiKeyEnv: keyEnv } : {}),
              ...(flag(args, 'endpoint-frames') !== undefined ? { frames: intFlag(args, 'endpoint-frames', 16, 1) } : {}),
            },
          }
        : { checkpointId: intFlag(args, 'checkpoint', 0, 1) };
    const report = await evalQuestionsCommand(workspaceDir, {
      questions: required(args, 'questions'),
      ...answerer,
      out: required(args, 'out'),
      seed: intFlag(args, 'seed', 0),
      overwrite,
      runtime: { executionProvider: provider, log: (m) => process.stderr.write(`${printableText(m)}\n`) },
      // A large file takes minutes: progress goes to stderr, so stdout stays the report alone.
      progress: (line) => process.stderr.write(`${printableText(line)}\n`),
      ...(frames !== undefined ? { frames } : {}),
    });
    process.stdout.write(printableText(report, Number.POSITIVE_INFINITY));
    return;
  }
  throw new InputError({ message: `${command ? `unknown command "${command}"` : 'no command'}\n${USAGE}` });
}, USAGE);
