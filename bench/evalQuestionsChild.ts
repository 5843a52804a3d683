/**
 * One `eval-questions` run in a process of its own, so its peak RSS is its own and not the bench harness's:
 * `tsx bench/evalQuestionsChild.ts <workspace> <questions> <checkpoint> <out>` prints `{ seconds, peakRssMb }`.
 * Progress lines go to stderr, as the CLI prints them.
 */
import { evalQuestionsCommand } from '../src/engine/exchange/commands.js';

async function main(): Promise<void> {
  const [workspace, questions, checkpoint, out] = process.argv.slice(2);
  if (!workspace || !questions || !checkpoint || !out) throw new Error('usage: evalQuestionsChild.ts <workspace> <questions> <checkpoint> <out>');
  const t0 = performance.now();
  const report = await evalQuestionsCommand(workspace, {
    questions,
    checkpointId: Number(checkpoint),
    out,
    overwrite: true,
    progress: (line) => process.stderr.write(`    ${line}\n`),
    runtime: { log: () => undefined },
  });
  const seconds = (performance.now() - t0) / 1000;
  const answered = Number(/answered (\d+) questions/.exec(report)?.[1] ?? Number.NaN);
  // resourceUsage's maxRSS is in kilobytes.
  process.stdout.write(`${JSON.stringify({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, answered })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
