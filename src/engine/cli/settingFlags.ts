/**
 * The command-line flags of the loop's settings, shared by the CLIs that take them (loop, pretrain, experiment), and
 * the translation of the loop validator's `config.…` field names into those flags for messages.
 */
import { InputError } from '../../shared/errors.js';
import type { LoopConfigInput } from '../../shared/loop.js';

/** The whole-number flags and the settings they set. */
export const INT_SETTING_FLAGS: readonly (readonly [string, keyof LoopConfigInput])[] = [
  ['rounds', 'rounds'],
  ['steps', 'steps'],
  ['batch', 'batch'],
  ['candidates', 'candidates'],
  ['static-samples', 'staticSamples'],
  ['threads', 'threads'],
  ['seed', 'seed'],
  ['data-seed', 'dataSeed'],
  ['benchmark-per-family', 'benchmarkPerFamily'],
  ['frames', 'frames'],
  ['warmup', 'warmupSteps'],
  ['from-checkpoint', 'initCheckpoint'],
  ['reference-checkpoint', 'referenceCheckpoint'],
];

/** The flag that sets each top-level setting, to name it in the loop validator's messages (which say `config.…`). */
const FLAG_OF_SETTING: Readonly<Record<string, string>> = {
  ...Object.fromEntries(INT_SETTING_FLAGS.map(([f, key]) => [key, f])),
  scenes: 'scenes',
  heldoutScenes: 'heldout-scenes',
  mode: 'mode',
  lr: 'lr',
  heldoutFraction: 'heldout-fraction',
  strategy: 'strategy',
  balance: 'balance',
  families: 'families',
  selection: 'selection',
  model: 'model',
  executionProvider: 'provider',
  name: 'name',
};

/**
 * The validator's problems with settings the user set by flag, named by that flag: `--rounds: expected …` rather
 * than `config.rounds: expected …`. Settings not given on the command line (defaults, a resumed run's) keep their
 * `config.` name, since no flag of this command line is to blame.
 */
export function inFlagTerms(e: InputError, given: ReadonlySet<string>): InputError {
  let renamed = false;
  const problems = e.problems.map((p) => {
    const m = /^config\.([A-Za-z]+)(.*)$/s.exec(p.field ?? '');
    const f = m ? FLAG_OF_SETTING[m[1]!] : undefined;
    if (!m || f === undefined || !given.has(f)) return p;
    renamed = true;
    return { ...p, field: `--${f}${m[2]}` };
  });
  return renamed ? new InputError(problems) : e;
}
