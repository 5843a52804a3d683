/**
 * `npm run doctor`: which onnxruntime execution providers load on this machine, the GPU and driver, and why CUDA
 * does not load when it does not (src/engine/solver/providers.ts). Exit code 0 either way: a CPU-only machine
 * is a supported set-up, and the screen says what to install for CUDA.
 */
import { cpus, loadavg } from 'node:os';
import { diagnoseProviders, formatDiagnosis } from '../solver/providers.js';
import { InputError } from '../../shared/errors.js';
import { parseArgs } from './args.js';
import { runCli } from './main.js';
import { printableText } from './terminalText.js';

const USAGE = `usage: npm run doctor
  which onnxruntime execution providers load on this machine (CPU, CUDA), the GPU and its driver, and why CUDA does
  not load when it does not, with what to install; exit code 0 either way (a CPU-only machine is a supported set-up)`;

runCli(async () => {
  const args = parseArgs(process.argv.slice(2), { debug: 'boolean' });
  if (args.positionals.length > 0) throw new InputError({ message: `unexpected argument "${args.positionals[0]}"\n${USAGE}` });
  const d = await diagnoseProviders();
  process.stdout.write(`${printableText(formatDiagnosis(d))}\n\nCPU: ${printableText(cpus()[0]?.model ?? 'unknown')} × ${cpus().length}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
}, USAGE);
