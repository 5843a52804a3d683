import { describe, expect, it } from 'vitest';
import { flag, intFlag, parseArgs, parseCommandArgs, type FlagSpec } from '../../../src/engine/cli/args.js';
import { inputError } from '../../helpers/errors.js';

const SPEC: FlagSpec = { workspace: 'string', port: 'string', readonly: 'boolean', debug: 'boolean', 'allow-dir': 'string' };

describe('the CLIs’ argument parser', () => {
  it('reads positionals, --flag value, --flag=value, switches and repeated flags', () => {
    const args = parseArgs(['serve', '--port', '1', '--port=2', '--readonly', '--allow-dir', 'a', '--allow-dir', 'b', '--workspace', '-w'], SPEC);
    expect(args.positionals).toEqual(['serve']);
    expect(flag(args, 'port')).toBe('2');
    expect(flag(args, 'readonly')).toBe('true');
    expect(args.flags.get('allow-dir')).toEqual(['a', 'b']);
    // A value may start with one dash (a negative number, a file name).
    expect(flag(args, 'workspace')).toBe('-w');
    expect(intFlag(args, 'port', 5)).toBe(2);
    expect(intFlag(parseArgs([], SPEC), 'port', 5)).toBe(5);
  });

  it('names the flag and what was expected', () => {
    expect(inputError(() => parseArgs(['--prot', '1'], SPEC)).message).toBe('--prot: unknown option; expected one of --workspace, --port, --readonly, --debug, --allow-dir');
    expect(inputError(() => parseArgs(['-p', '1'], SPEC)).message).toBe('-p: unknown option; expected one of --workspace, --port, --readonly, --debug, --allow-dir');
    // A script from before the loop said "round" everywhere is told the new flag.
    expect(inputError(() => parseArgs(['--iterations', '3'], { rounds: 'string' })).message).toBe('--iterations: renamed to --rounds');
    expect(inputError(() => parseArgs(['--port'], SPEC)).message).toBe('--port: expected a value after the flag');
    expect(inputError(() => parseArgs(['--port', '--readonly'], SPEC)).message).toBe('--port: expected a value after the flag');
    expect(inputError(() => intFlag(parseArgs(['--port', 'http'], SPEC), 'port', 5, 1)).message).toBe('--port: expected a whole number ≥ 1, found "http"');
  });

  it('checks a subcommand’s flags against that subcommand, and leaves an unknown command to the caller', () => {
    const commands = { export: { run: 'string', trained: 'boolean' }, show: { run: 'string' } } as const;
    expect(flag(parseCommandArgs(['export', '--run', 'r', '--trained'], commands), 'trained')).toBe('true');
    expect(inputError(() => parseCommandArgs(['show', '--trained'], commands)).message).toBe('--trained: unknown option; expected one of --run');
    expect(parseCommandArgs(['--help'], commands).positionals).toEqual([]);
    expect(parseCommandArgs(['nope', '--x'], commands).positionals).toEqual(['nope']);
  });
});
