import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiskFullOptions } from '../../helpers/diskFull.js';
import { repoRoot } from '../../helpers/shared.js';
import { useTmpDirs } from '../../helpers/tmp.js';

const cli = join(repoRoot, 'src/engine/cli/loop.ts');

function loop(args: string[], diskFull?: DiskFullOptions): { status: number | null; stdout: string; stderr: string } {
  // With `diskFull`, the disk fills up as it says (test/helpers/diskFull.ts), loaded before the CLI.
  const hook = diskFull ? ['--import', join(repoRoot, 'test/helpers/diskFull.ts')] : [];
  const env = diskFull ? { ...process.env, OUROBOROS_TEST_DISK_FULL: JSON.stringify(diskFull) } : process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...hook, cli, ...args], { encoding: 'utf8', cwd: repoRoot, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SMALL = ['--scenes', 'synthetic:6', '--rounds', '2', '--steps', '3', '--batch', '8', '--candidates', '200', '--model', 'tiny', '--benchmark-per-family', '3', '--threads', '1', '--base', 'none'];

describe('loop CLI', () => {
  const tmp = useTmpDirs();

  it('runs a loop end to end, prints the per-round table, the scores and where the run is stored', () => {
    const ws = tmp();
    const r = loop([...SMALL, '--workspace', ws, '--propose-ahead', 'on']);
    expect(r.status, r.stderr).toBe(0);
    // Asked for, rounds were proposed on a worker while the round before trained (loop/ahead.ts).
    expect(r.stderr).toMatch(/round 1 propose .*\(proposed ahead on a worker thread in \d+\.\d+ s\)/);
    expect(r.stdout).toMatch(/^started run [0-9a-f-]{36}$/m);
    expect(r.stdout).toMatch(/round\s+proposed\s+accepted\s+easy\s+frontier\s+hard\s+trained\s+seen\s+loss\s+held-out/);
    expect(r.stdout).toMatch(/^1\s+\d+\s+\d+/m);
    expect(r.stdout).toMatch(/\(untrained model: held-out \d+\.\d, 95% CI \d+\.\d–\d+\.\d\)/);
    expect(r.stdout).toMatch(/held-out\s+95% CI\s+time/);
    expect(r.stdout).toMatch(/overall \(VSI-Bench style\)\s+\d+\.\d/);
    expect(r.stdout).toMatch(/^debiased held-out \(\d+ of \d+ questions: those the blind baseline answers confidently removed\): solver \d+\.\d \(95% CI \d+\.\d–\d+\.\d\) vs \d+\.\d on the full set; blind baseline \d+\.\d vs \d+\.\d/m);
    expect(r.stdout).toContain(`stored in ${join(ws, 'workbench.db')}`);
    // Progress went to stderr, one line per finished stage when not on a terminal.
    expect(r.stderr).toMatch(/round 1 evaluate/);
    const id = /started run (\S+)/.exec(r.stdout)![1]!;
    const again = loop(['--resume', id, '--workspace', ws]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/^error: run: run \S+ is already completed; start a new run to train further\n$/);
  }, 120_000);

  it('on the built-in target, reads the run\'s scenes on a worker thread while it imports the shipped base, and the run takes them', () => {
    const ws = tmp();
    // The built-in target and the default model, so the shipped base applies; one short round.
    const r = loop(['--workspace', ws, '--rounds', '1', '--steps', '2', '--candidates', '200', '--benchmark-per-family', '3', '--threads', '1']);
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/base model: imported the shipped run/);
    expect(out).toMatch(/\b\d+ scenes read and synthesised ahead on a worker thread in \d+\.\d\d s\n/);
    expect(out).not.toMatch(/loaded ahead were for other sources|the scenes were loaded on the loop's thread instead/);
    expect(r.stdout).toMatch(/^run \S+: completed$/m);
  }, 120_000);

  it('a full disk: prints the cause, the workspace and the command that resumes the run, which then completes (issue 11, item 8)', () => {
    const ws = tmp();
    const db = join(ws, 'workbench.db');
    const inRound1 = { sql: 'INSERT INTO rounds', count: 2 };
    // Even marking the run paused fails: the CLI says what the store could not.
    const lost = loop([...SMALL, '--workspace', ws], { after: inRound1, then: 'writes' });
    expect(lost.status, lost.stderr).toBe(1);
    const id = /started run (\S+)/.exec(lost.stdout)![1]!;
    expect(lost.stderr).toContain(`error: the disk is full: could not write ${db} (workspace ${ws}): database or disk is full; the run could not be marked paused`);
    expect(lost.stdout).toContain(`run ${id}: stopped, disk full (still marked running)\nworkspace: ${ws}\nresume with: npm run loop -- --resume ${id} --workspace ${ws}\n`);
    expect(lost.stderr).not.toMatch(/\n\s+at /); // no stack trace
    // Recorded: the run is paused with the reason, and says how to resume.
    const again = loop(['--resume', id, '--workspace', ws], { after: { sql: 'INSERT INTO qa', count: 1 }, then: 'inserts' });
    expect(again.status, again.stderr).toBe(1);
    expect(again.stdout).toContain(`run ${id}: paused — the disk is full: could not write ${db} (workspace ${ws}): database or disk is full\n`);
    expect(again.stdout).toContain(`resume with: npm run loop -- --resume ${id} --workspace ${ws}\n`);
    const done = loop(['--resume', id, '--workspace', ws]);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toContain(`run ${id}: completed\n`);
  }, 120_000);

  it('refuses bad options with one line naming the flag, and no stack trace', () => {
    const ws = tmp();
    const bad = loop(['--rounds', 'two', '--workspace', ws]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('error: --rounds: expected a whole number, found "two"\n');
    const zero = loop(['--rounds', '0', '--workspace', ws]);
    // The loop's validator names settings (config.rounds); the CLI names the flag that set them.
    expect(zero.stderr).toMatch(/^error: --rounds: expected a whole number in \[1, 1000\], found 0\n$/);
    const unknown = loop(['--stepz', '3', '--workspace', ws]);
    expect(unknown.stderr).toMatch(/^error: --stepz: unknown option/);
    const balance = loop(['--balance', 'families', '--workspace', ws]);
    expect(balance.stderr).toMatch(/^error: --balance: expected none or family, found "families"\n$/);
    const families = loop(['--families', 'object_counting, route_plan', '--workspace', ws]);
    expect(families.stderr).toMatch(/^error: --families\[1\]: unknown family "route_plan"; expected one of object_counting, .*route_planning/);
    const source = loop(['--scenes', 'nowhere:3', '--workspace', ws]);
    expect(source.stderr).toMatch(/^error: --scenes\[0\]: .*unknown source "nowhere:3"/);
    const ahead = loop(['--propose-ahead', 'yes', '--workspace', ws]);
    expect(ahead.stderr).toBe('error: --propose-ahead: expected on or off, found "yes"\n');
  }, 60_000);
});
