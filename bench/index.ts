/**
 * `npm run bench [-- --quick] [-- NAME…]`: runs every registered bench module, the main job's stage times last, and
 * prints a table. A NAME picks the modules whose title contains it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/engine/cli/main.js';
import { InputError } from '../src/shared/errors.js';
import type { BenchModule, BenchRow } from './harness.js';
import { formatValue } from './harness.js';
import { modules } from './modules.js';

const USAGE = `usage: npm run bench [-- --quick] [-- NAME…]
  runs the benchmarks and prints their figures; a NAME runs those whose title contains it (any case); --quick runs
  smaller sizes. The benchmarks:
${modules.map((m) => `    ${m.title}`).join('\n')}`;

/** The modules the arguments ask for; a flag other than --quick, or a name no title contains, is refused. */
function selectModules(args: readonly string[], all: readonly BenchModule[]): { selected: BenchModule[]; quick: boolean } {
  const unknown = args.find((a) => a.startsWith('-') && a !== '--quick');
  if (unknown !== undefined) throw new InputError({ field: unknown, message: 'unknown option; expected --quick, names of benchmarks, or --help' });
  const names = args.filter((a) => !a.startsWith('-'));
  const matches = (m: BenchModule, name: string): boolean => m.title.toLowerCase().includes(name.toLowerCase());
  const missing = names.find((n) => !all.some((m) => matches(m, n)));
  if (missing !== undefined) throw new InputError({ message: `no benchmark's title contains "${missing}"\n${USAGE}` });
  return { selected: names.length === 0 ? [...all] : all.filter((m) => names.some((n) => matches(m, n))), quick: args.includes('--quick') };
}

async function main(): Promise<void> {
  const { selected, quick } = selectModules(process.argv.slice(2), modules);
  const all: { title: string; rows: BenchRow[] }[] = [];
  for (const m of selected) {
    const tmpDir = mkdtempSync(join(tmpdir(), 'ouroboros-bench-'));
    process.stdout.write(`\n## ${m.title}\n`);
    try {
      const rows = await m.run({ tmpDir, quick, log: (s) => process.stdout.write(`  … ${s}\n`) });
      for (const r of rows) process.stdout.write(`  ${r.name.padEnd(58)} ${formatValue(r.value).padStart(10)} ${r.unit}${r.note ? `   (${r.note})` : ''}\n`);
      all.push({ title: m.title, rows });
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  }
  process.stdout.write(`\n${all.reduce((n, s) => n + s.rows.length, 0)} figures from ${all.length} benchmarks.\n`);
}

runCli(main, USAGE);
