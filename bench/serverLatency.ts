/**
 * Browser mode's responsiveness while a run executes (issue 11, item 1): the server is asked for `info` and
 * `listRuns` every 50 ms while a run started through its API works, once with the loop in the server's process
 * (`loadLoopEngine`, as before) and once in a child process (`processLoopEngine`, what `npm run serve` uses).
 * Target: every answer within 100 ms while a run of any size works. Figures: p50 / p99 / max latency and the
 * longest stall of the server's event loop.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createWorkbenchHost } from '../src/engine/host/host.js';
import { loadLoopEngine, processLoopEngine, type LoopEngine } from '../src/engine/host/loopEngine.js';
import { startWorkbenchServer } from '../src/server/server.js';
import type { BenchContext, BenchModule, BenchRow } from './harness.js';

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

async function measure(ctx: BenchContext, label: string, engine: LoopEngine): Promise<BenchRow[]> {
  const ws = join(ctx.tmpDir, label);
  const rendererDir = join(ctx.tmpDir, `${label}-renderer`);
  mkdirSync(rendererDir, { recursive: true });
  const host = createWorkbenchHost({ workspaceDir: ws, transport: 'http', engine, appVersion: 'bench' });
  const server = await startWorkbenchServer({ host, port: 0, rendererDir, log: () => {} });
  const call = async (method: string, args: unknown[] = []): Promise<unknown> => {
    const r = await fetch(`${server.url}api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) });
    const body = (await r.json()) as { result?: unknown; error?: { message: string } };
    if (!r.ok) throw new Error(`${method}: ${body.error?.message ?? r.status}`);
    return body.result;
  };
  const size = ctx.quick ? { scenes: ['synthetic:12'], candidates: 1500, steps: 10 } : { scenes: ['synthetic:120'], candidates: 8000, steps: 40 };
  const latencies: number[] = [];
  const delay = monitorEventLoopDelay({ resolution: 10 });
  try {
    await call('info');
    delay.enable();
    const t0 = performance.now();
    const { runId } = (await call('startRun', [{ name: `bench ${label}`, rounds: 1, batch: 32, benchmarkPerFamily: 20, model: 'default', ...size }])) as { runId: string };
    const budgetMs = ctx.quick ? 15_000 : 90_000;
    for (;;) {
      const s = performance.now();
      const [, runs] = await Promise.all([call('info'), call('listRuns')]);
      latencies.push(performance.now() - s);
      const status = (runs as { id: string; status: string }[]).find((r) => r.id === runId)?.status;
      if ((status !== 'running' && status !== 'queued' && performance.now() - t0 > 1000) || performance.now() - t0 > budgetMs) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    delay.disable();
    ctx.log(`${label}: ${latencies.length} request pairs over ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await call('stopRun', [runId]).catch(() => undefined);
  } finally {
    await server.close();
    await host.close();
  }
  const note = 'target ≤ 100 ms while a run works';
  return [
    { name: `${label}: info + listRuns during a run, p50`, value: quantile(latencies, 0.5), unit: 'ms' },
    { name: `${label}: info + listRuns during a run, p99`, value: quantile(latencies, 0.99), unit: 'ms', note },
    { name: `${label}: info + listRuns during a run, max`, value: Math.max(...latencies), unit: 'ms', note },
    { name: `${label}: longest event-loop stall of the server`, value: delay.max / 1e6, unit: 'ms' },
  ];
}

export const serverLatencyBench: BenchModule = {
  title: 'Browser-mode server latency during a run',
  async run(ctx) {
    const inProcess = await measure(ctx, 'loop in the server process', await loadLoopEngine());
    const child = await measure(ctx, 'loop in a child process', processLoopEngine);
    const ratio = inProcess[2]!.value / child[2]!.value;
    return [...inProcess, ...child, { name: 'max latency, in-process ÷ child process', value: ratio, unit: '×' }];
  },
};
