import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loopProcessEntry } from '../../../src/engine/host/loopEngine.js';
import { LOOP_NODE_FLAGS } from '../../../src/engine/loop/nodeFlags.js';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe("the loop's Node flags (loop/nodeFlags.ts)", () => {
  it('every npm script that runs loops starts node with them, before the program', () => {
    for (const name of ['loop', 'pretrain', 'experiment', 'bench']) {
      const words = scripts[name]!.split(/\s+/);
      expect(words[0], name).toBe('node');
      const program = words.findIndex((w) => /\.ts$/.test(w));
      for (const flag of LOOP_NODE_FLAGS) expect(words.slice(0, program), `${name}: ${scripts[name]}`).toContain(flag);
    }
  });

  it("browser mode's loop child gets them too", () => {
    const { execArgv } = loopProcessEntry();
    for (const flag of LOOP_NODE_FLAGS) expect(execArgv).toContain(flag);
  });

  it('give V8 the larger young generation they name (a child that churns short-lived objects grows it past the default)', () => {
    const churn = "let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ i, a: [i] }); if (keep.length > 2e5) keep = []; } const s = require('v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space'); process.stdout.write(String(s.space_size / 1048576));";
    const newSpaceMb = (flags: readonly string[]): number => {
      const r = spawnSync(process.execPath, [...flags, '-e', churn], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return Number(r.stdout);
    };
    // Node 20: 16 MiB semi-spaces, a new space of at most 32 MiB; with 64 MiB semi-spaces it grows to 128.
    expect(newSpaceMb([])).toBeLessThanOrEqual(32);
    expect(newSpaceMb(LOOP_NODE_FLAGS)).toBeGreaterThan(32);
  });
});
