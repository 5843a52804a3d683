/**
 * `npm run bench [-- --quick] [-- only-name]`: runs every registered bench module (opt-in ones, such as `stages`,
 * only when named) and prints a table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchModule, BenchRow } from './harness.js';
import { formatValue } from './harness.js';
import { modules } from './modules.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.filter((a) => !a.startsWith('--'));
  const selected = modules.filter((m: BenchModule) => (only.length === 0 ? !m.optIn : only.some((o) => m.title.toLowerCase().includes(o.toLowerCase()))));
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

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
