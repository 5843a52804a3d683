/**
 * Every command a researcher runs through `npm run` (or `npm start`) answers `--help` and `-h` with its usage on
 * stdout and exit code 0, and starts nothing: no run, benchmark or build. The commands are read from package.json,
 * so a new entry point without a usage fails here. The bench also refuses what it used to ignore: an unknown flag
 * (a typo of --quick ran the full-size benchmarks) and a name no benchmark has (it ran none and said nothing).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { wantsHelp } from '../../../src/engine/cli/main.js';
import { repoRoot } from '../../helpers/shared.js';

const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The scripts that run one of our TypeScript entry points, with that file (Node's own flags before `--import tsx` allowed). */
const entryPoints = Object.entries(scripts).flatMap(([name, command]) => {
  const m = /^(?:node (?:--(?!import\b)\S+ )*--import tsx|tsx) (\S+\.ts)$/.exec(command);
  return m ? [{ name, file: m[1]! }] : [];
});

async function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('--help on every command', () => {
  it('finds the entry points in package.json', () => {
    expect(entryPoints.map((e) => e.name)).toEqual(expect.arrayContaining(['start', 'serve', 'bench', 'doctor', 'gpu-check', 'gpu-kit', 'scenes', 'loop', 'pretrain', 'proposer', 'solver', 'experiment', 'exchange']));
  });

  it('prints the usage and exits 0, for --help and -h alike', async () => {
    const results = await Promise.all(entryPoints.map(async ({ name, file }, i) => ({ name, ...(await run(file, [i % 2 === 0 ? '--help' : '-h'])) })));
    for (const r of results) {
      expect(r.code, `${r.name}: ${r.stderr}`).toBe(0);
      expect(r.stderr, r.name).toBe('');
      const command = r.name === 'start' ? 'npm start' : `npm run ${r.name}`;
      expect(r.stdout, r.name).toMatch(new RegExp(`^usage:\\s+${command.replace(/[-]/g, '\\-')}\\b`));
    }
  }, 120_000);

  it('asks for help only before a -- that ends the options', () => {
    expect(wantsHelp(['--help'])).toBe(true);
    expect(wantsHelp(['--workspace', 'w', '-h'])).toBe(true);
    expect(wantsHelp(['--', '--help'])).toBe(false);
    expect(wantsHelp(['--helpful'])).toBe(false);
    expect(wantsHelp([])).toBe(false);
  });
});

describe('npm run bench refuses what it would have ignored', () => {
  it('an unknown flag, and a name no benchmark has, with exit code 2 and what it expected', async () => {
    const typo = await run('bench/index.ts', ['--quik']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^error: --quik: unknown option; expected --quick, names of benchmarks, or --help\n$/);
    const name = await run('bench/index.ts', ['nosuch']);
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/^error: no benchmark's title contains "nosuch"\nusage: npm run bench/);
    expect(name.stderr).toContain('Proposer: validated QA per second');
    expect(typo.stdout + name.stdout).toBe('');
  }, 60_000);
});
