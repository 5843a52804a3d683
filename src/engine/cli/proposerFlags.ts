/**
 * The loop CLI's flags for the generative proposer (config.proposer), kept apart from cli/loop.ts so that file
 * needs only three hooks: the flag names, `applyProposerFlags` in configFromArgs, and the per-round line.
 */
import { InputError } from '../../shared/errors.js';
import type { RoundSummary, LoopConfigInput } from '../../shared/loop.js';
import { proposerSummaryText } from '../loop/metrics.js';
import { flag, type ParsedArgs } from './args.js';

export const PROPOSER_FLAGS = ['proposer-endpoint', 'proposer-model', 'proposer-share', 'proposer-key-env', 'proposer-concurrency'] as const;

export const PROPOSER_USAGE = `                     [--proposer-endpoint URL --proposer-model NAME [--proposer-share S] [--proposer-key-env VAR] [--proposer-concurrency N]]`;

/** Sets config.proposer from the flags (share 0.5 unless --proposer-share says otherwise); the loop validates the values. */
export function applyProposerFlags(args: ParsedArgs, c: LoopConfigInput): void {
  const baseUrl = flag(args, 'proposer-endpoint');
  const stray = PROPOSER_FLAGS.find((f) => f !== 'proposer-endpoint' && args.flags.has(f));
  if (baseUrl === undefined) {
    if (stray !== undefined) throw new InputError({ field: `--${stray}`, message: 'belongs to the LLM proposer: pass --proposer-endpoint URL too' });
    return;
  }
  const model = flag(args, 'proposer-model');
  if (model === undefined) throw new InputError({ field: '--proposer-model', message: 'missing: the model name the server serves (e.g. Qwen/Qwen2.5-7B-Instruct)' });
  const number = (name: string, integer: boolean): number | undefined => {
    const v = flag(args, name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new InputError({ field: `--${name}`, message: `expected ${integer ? 'a whole number' : 'a number'}, found "${v}"` });
    return n;
  };
  const keyEnv = flag(args, 'proposer-key-env');
  const concurrency = number('proposer-concurrency', true);
  c.proposer = {
    share: number('proposer-share', false) ?? 0.5,
    llm: { baseUrl, model, ...(keyEnv !== undefined ? { apiKeyEnv: keyEnv } : {}), ...(concurrency !== undefined ? { concurrency } : {}) },
  };
}

/** The per-round line about the LLM proposer's acceptance ('' without one). */
export function proposerRoundNote(summary: RoundSummary): string {
  const text = proposerSummaryText(summary.proposers);
  return text === '' ? '' : text.split('\n').map((l) => `round ${summary.round}: ${l}`).join('\n');
}
