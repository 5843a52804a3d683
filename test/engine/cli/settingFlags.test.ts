import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/shared/errors.js';
import { flagsGiven } from '../../../src/engine/cli/main.js';
import { inFlagTerms } from '../../../src/engine/cli/settingFlags.js';

describe("the loop validator's messages in the command line's terms", () => {
  it('names the flag the user typed for a setting, keeping the rest of the path', () => {
    const e = new InputError([
      { field: 'config.rounds', message: 'expected a whole number in [1, 1000], found 0' },
      { field: 'config.families[1]', message: 'unknown family "x"' },
      { field: 'config.executionProvider', message: 'expected cpu or cuda, found "tpu"' },
      { field: 'config.warmupSteps', message: 'too many' },
    ]);
    expect(inFlagTerms(e, new Set(['rounds', 'families', 'provider', 'warmup'])).message).toBe(
      ['--rounds: expected a whole number in [1, 1000], found 0', '--families[1]: unknown family "x"', '--provider: expected cpu or cuda, found "tpu"', '--warmup: too many'].join('\n'),
    );
  });

  it('leaves settings the command line did not set, other fields and files as they were', () => {
    const e = new InputError([
      { field: 'config.rounds', message: 'bad' },
      { file: 'meta.json', field: 'scene0.objects[2]', message: 'bad box' },
      { field: 'config.unknownThing', message: 'bad' },
    ]);
    // A resumed run's stored settings, or defaults: no flag of this command line is to blame.
    expect(inFlagTerms(e, new Set(['steps']))).toBe(e);
    expect(inFlagTerms(e, new Set(['rounds'])).message).toBe('--rounds: bad\nmeta.json: scene0.objects[2]: bad box\nconfig.unknownThing: bad');
  });

  it('reads the long flags of a command line, with or without =value, up to --', () => {
    expect([...flagsGiven(['--rounds', '3', '--lr=0.1', 'positional', '-h', '--', '--steps'])]).toEqual(['rounds', 'lr']);
  });
});
