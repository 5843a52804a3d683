/**
 * The CLIs' argument parsing, on Node's `util.parseArgs`: positionals, `--flag value`, `--flag=value`, boolean
 * `--flag`, repeated flags collected. `util.parseArgs` only splits the command line here (strict: false, tokens);
 * the checks are ours, so that every CLI refuses the same mistakes with the same sentence naming the flag.
 */
import { parseArgs as splitArgs } from 'node:util';
import { InputError } from '../../shared/errors.js';

/** The flags a command knows, in the order its error messages list them: a value, or a switch. */
export type FlagSpec = Readonly<Record<string, 'string' | 'boolean'>>;

export interface ParsedArgs {
  positionals: string[];
  /** Every value given for each flag, in order; a boolean flag's value is "true" (or what `--flag=…` says). */
  flags: Map<string, string[]>;
}

const knownList = (known: readonly string[]): string => known.map((k) => `--${k}`).join(', ');

function unknownFlag(name: string, known: readonly string[]): InputError {
  // Scripts written before the loop said "round" everywhere name the new flag.
  if (name.replace(/^-+/, '') === 'iterations' && known.includes('rounds')) return new InputError({ field: '--iterations', message: 'renamed to --rounds' });
  return new InputError({ field: name.startsWith('-') ? name : `--${name}`, message: `unknown option; expected one of ${knownList(known)}` });
}

type Token = ReturnType<typeof splitArgs>['tokens'] extends (infer T)[] | undefined ? T : never;

function tokenize(argv: readonly string[], spec: FlagSpec): Token[] {
  const options = Object.fromEntries(Object.entries(spec).map(([name, type]) => [name, type === 'string' ? { type, multiple: true } : { type }]));
  return splitArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true }).tokens;
}

/** The positionals and flags of `tokens`; with `check`, refuses flags `spec` does not know and value flags without a value. */
function collect(tokens: readonly Token[], spec: FlagSpec, check: boolean): ParsedArgs {
  const known = Object.keys(spec);
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const long = token.rawName.startsWith('--');
    // Short options (-x) are not part of any command's vocabulary.
    if (!long || !Object.hasOwn(spec, token.name)) {
      if (check) throw unknownFlag(long ? token.name : token.rawName, known);
      continue;
    }
    let value: string;
    if (spec[token.name] === 'boolean') value = token.value ?? 'true';
    else {
      // util.parseArgs takes the next word whatever it is; a following flag means the value was forgotten.
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) throw new InputError({ field: `--${token.name}`, message: 'expected a value after the flag' });
      value = token.value;
    }
    flags.set(token.name, [...(flags.get(token.name) ?? []), value]);
  }
  return { positionals, flags };
}

/** Parses `argv` against `spec`; refuses unknown flags and value flags without a value. */
export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  return collect(tokenize(argv, spec), spec, true);
}

/**
 * For commands with subcommands (the first positional): checks the flags against the chosen subcommand's spec.
 * With no subcommand or an unknown one, flags are not checked, so the caller can answer with its usage text.
 */
export function parseCommandArgs(argv: readonly string[], commands: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const all: Record<string, 'string' | 'boolean'> = {};
  for (const spec of Object.values(commands)) Object.assign(all, spec);
  const tokens = tokenize(argv, all);
  const command = tokens.find((t) => t.kind === 'positional')?.value;
  const spec = command !== undefined && Object.hasOwn(commands, command) ? commands[command] : undefined;
  return collect(tokens, spec ?? all, spec !== undefined);
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return v?.[v.length - 1];
}

export function intFlag(args: ParsedArgs, name: string, fallback: number, min = 0): number {
  const v = flag(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InputError({ field: `--${name}`, message: `expected a whole number ≥ ${min}, found "${v}"` });
  return n;
}
