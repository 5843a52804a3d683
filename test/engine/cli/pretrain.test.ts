import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/shared.js';

const cli = join(repoRoot, 'src/engine/cli/pretrain.ts');

function pretrain(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', cwd: repoRoot });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pretrain CLI --bundle', () => {
  it('refuses settings other than the shipped base’s before training anything', () => {
    for (const extra of [['--model', 'tiny'], ['--target', 'synthetic:4'], ['--provider', 'cuda'], ['--families', 'object_counting'], ['--seed', '3']]) {
      const r = pretrain(['--bundle', ...extra]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^error: --bundle: the shipped base is the built-in target's default model on the CPU, every family, seed 0: drop --target, --model, --provider, --families and --seed\n$/);
    }
  }, 60_000);

  it('--families names an unknown family before training anything', () => {
    const r = pretrain(['--families', 'object_counting,route_plan', '--workspace', mkdtempSync(join(tmpdir(), 'pretrain-'))]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^error: --families\[1\]: unknown family "route_plan"; expected one of object_counting, /);
  }, 60_000);

  it('--seed takes a whole number ≥ 0, said at the flag, before training anything', () => {
    for (const bad of ['-1', '1.5', 'two']) {
      const r = pretrain(['--seed', bad, '--workspace', mkdtempSync(join(tmpdir(), 'pretrain-'))]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toBe(`error: --seed: expected a whole number ≥ 0, found "${bad}"\n`);
    }
  }, 60_000);
});
