import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stageSeconds, threadCounts, type GpuCheckReport } from '../../../bench/gpuCheck.js';
import { parseThreadLine, threadLine } from '../../../bench/threadClock.js';
import { repoRoot } from '../../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'gpu-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run gpu-check (quick, no viewer)', () => {
  it('runs on any machine: CUDA measured where it loads, else reported unavailable with the reason; the CPU half always; JSON and table agree', () => {
    const out = join(dir, 'report.json');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/gpuCheck.ts'), '--quick', '--no-viewer', '--out', out], { encoding: 'utf8', cwd: repoRoot, timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as GpuCheckReport;
    const provider = report.rows.find((x) => x.name === 'CUDA execution provider')!;
    const cpuTrain = report.rows.filter((x) => x.name.startsWith('ORT train steps/s') && x.name.includes('(CPU,'));
    expect(cpuTrain.map((x) => x.name.replace(/ \(CPU.*$/, ''))).toEqual(['ORT train steps/s, one step per call', 'ORT train steps/s, Loop of 2 per call']);
    for (const x of [...cpuTrain, ...report.rows.filter((x) => x.name.startsWith('ORT inference'))]) expect(x.value, x.name).toBeGreaterThan(0);
    // The CPU side is measured at its best thread count: the sweep names each count tried, and the rows use the best.
    const sweep = report.rows.find((x) => x.name.startsWith('ORT CPU threads, best of'))!;
    const tried = sweep.note!.replace(/^.*threads: /, '').split(', ').map((x) => x.split(': ').map(Number) as [number, number]);
    expect(tried.map(([t]) => t)).toEqual(threadCounts(report.machine.cores, true));
    expect(sweep.value).toBe(tried.reduce((a, b) => (b[1] > a[1] ? b : a))[0]);
    expect(cpuTrain[0]!.name).toContain(`(CPU, ${sweep.value} thread`);
    expect(threadCounts(16, false)).toEqual([1, 2, 4, 8, 16]);
    expect(threadCounts(12, false)).toEqual([1, 2, 4, 8, 12]);
    const cudaRows = report.rows.filter((x) => x.name.includes('(CUDA'));
    if (report.cudaAvailable) {
      expect(provider.unit).toBe('loads');
      expect(cudaRows.length).toBeGreaterThan(0);
      expect(report.rows.find((x) => x.name === 'train ratio CUDA / CPU, best vs best')?.value).toBeGreaterThan(0);
    } else {
      expect(provider).toMatchObject({ value: 0, unit: 'unavailable', note: expect.stringMatching(/\S{10,}/) });
      expect(cudaRows).toEqual([]);
      expect(r.stdout).toMatch(/CUDA unavailable: .+; doing the CPU half/);
    }
    // The main job's wall time through `npm run loop` itself (a tiny loop in quick mode), on the provider it names.
    const job = report.rows.find((x) => x.name.startsWith('main job wall time'));
    expect(job).toMatchObject({ unit: 's', note: expect.stringMatching(report.cudaAvailable ? /^ran on onnxruntime\/cuda; target < 20 s/ : /^ran on onnxruntime\/cpu; quick mode/) });
    expect(job!.value).toBeGreaterThan(0);
    // …and where it went, from the loop's own stage lines: every stage of a round, the rest outside them.
    const stages = report.rows.filter((x) => x.name.startsWith('main job: stage '));
    expect(stages.map((x) => x.name.replace(/^main job: stage (\w+).*$/, '$1'))).toEqual(expect.arrayContaining(['preparation', 'propose', 'filter', 'solve', 'control', 'train', 'evaluate']));
    const outside = report.rows.find((x) => x.name === 'main job: outside the stages')!;
    expect(outside.value).toBeGreaterThan(0);
    expect(stages.reduce((a, x) => a + x.value, 0) + outside.value).toBeCloseTo(job!.value, 6);
    expect(stageSeconds('round 0 solve       4.6 s  3279 answered\nsetup evaluate    1.7 s  created\nround 1 solve       1.5 s  x\nround 1: held-out 63.0')).toEqual(new Map([['solve', 6.1], ['preparation', 1.7]]));
    // …and the loop process's calling thread, clocked inside it (bench/threadClockHook.ts): its session runs, idle
    // time and own work, which add up to no more than the job's wall time (the child starts after the clock).
    const thread = report.rows.filter((x) => x.name.startsWith('main job: calling thread'));
    expect(thread.map((x) => x.name.replace('main job: calling thread: ', ''))).toEqual(['inside onnxruntime session runs', 'idle, waiting', 'its own JavaScript and GC']);
    expect(thread[0]!.value).toBeGreaterThan(0);
    expect(thread[2]!.value).toBeGreaterThan(0);
    expect(thread.reduce((a, x) => a + x.value, 0)).toBeLessThanOrEqual(job!.value);
    expect(parseThreadLine('x\ncalling-thread clock (ms): onnxruntime 12.5, idle 3.0, active 40.25\n')).toEqual({ onnxMs: 12.5, idleMs: 3, activeMs: 40.25 });
    expect(parseThreadLine(threadLine({ onnxMs: 1, idleMs: 2, activeMs: 3 }))).toEqual({ onnxMs: 1, idleMs: 2, activeMs: 3 });
    expect(parseThreadLine('calling-thread clock (ms): onnxruntime 1')).toBeUndefined();
    expect(r.stdout).toContain(`written to ${out}`);
    for (const x of report.rows) expect(r.stdout).toContain(x.name);
  }, 300_000);
});
