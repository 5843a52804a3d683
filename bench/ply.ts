/**
 * PLY parse throughput: a generated coloured point cloud (x, y, z float32 + red, green, blue uchar — the
 * layout of ScanNet's and most scanners' exports) written to disk in each encoding, read back into memory,
 * then parsed. Parse time includes allocating the output arrays, which dominates where page faults are slow
 * (VMs); the last row measures that allocation alone so the parse rows can be read against it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../src/shared/random.js';
import type { PlyFormat } from '../src/engine/sources/ply/header.js';
import { parsePly } from '../src/engine/sources/ply/parse.js';
import { writePly } from '../src/engine/sources/ply/write.js';
import type { BenchModule, BenchRow } from './harness.js';
import { timeIt } from './harness.js';

function generateCloud(n: number, seed: number): { positions: Float32Array; colors: Uint8Array } {
  const rng = createRng(seed);
  const positions = new Float32Array(3 * n);
  const colors = new Uint8Array(3 * n);
  // Points over a 6 × 5 × 3 m room, as a scan would spread them.
  for (let i = 0; i < n; i++) {
    positions[3 * i] = rng.range(0, 6);
    positions[3 * i + 1] = rng.range(0, 5);
    positions[3 * i + 2] = rng.range(0, 3);
    colors[3 * i] = rng.int(256);
    colors[3 * i + 1] = rng.int(256);
    colors[3 * i + 2] = rng.int(256);
  }
  return { positions, colors };
}

const LABELS: Record<PlyFormat, string> = {
  binary_little_endian: 'binary little-endian',
  binary_big_endian: 'binary big-endian',
  ascii: 'ASCII',
};

function millions(n: number): string {
  return n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`;
}

export const plyBench: BenchModule = {
  title: 'PLY parsing',
  async run(ctx) {
    const n = ctx.quick ? 200_000 : 5_000_000;
    ctx.log(`generating ${millions(n)} coloured points`);
    const cloud = generateCloud(n, 1);
    const rows: BenchRow[] = [];
    for (const format of ['binary_little_endian', 'binary_big_endian', 'ascii'] as PlyFormat[]) {
      const file = join(ctx.tmpDir, `cloud-${format}.ply`);
      // Four decimals (0.1 mm) is what scanners' ASCII exporters typically write.
      writeFileSync(file, writePly(cloud, format, format === 'ascii' ? { asciiDecimals: 4 } : {}));
      const bytes = readFileSync(file);
      ctx.log(`${LABELS[format]}: ${(bytes.length / 1e6).toFixed(1)} MB`);
      let parsed = 0;
      // Best of several: the figure is meant to show the parser, not a neighbour's burst on a shared machine.
      const repeats = format === 'ascii' ? 3 : 5;
      const ms = await timeIt(() => {
        parsed = parsePly(bytes, file).vertexCount;
      }, repeats);
      if (parsed !== n) throw new Error(`parsed ${parsed} points, expected ${n}`);
      const mbps = bytes.length / 1e6 / (ms / 1000);
      rows.push({
        name: `PLY parse, ${LABELS[format]}, ${millions(n)} coloured points`,
        value: n / (ms / 1000),
        unit: 'points/s',
        note: `${ms.toFixed(0)} ms, ${mbps.toFixed(0)} MB/s, ${(bytes.length / n).toFixed(1)} B/point, best of ${repeats}${format === 'ascii' ? '' : '; target: tens of millions of points/s'}`,
      });
    }
    // The floor under every row above: a parser returning fresh arrays must at least fault in their pages.
    const floorMs = await timeIt(() => {
      new Float32Array(3 * n).fill(1);
      new Uint8Array(3 * n).fill(1);
    }, 5);
    rows.push({
      name: `output arrays alone (allocate + first write), ${millions(n)} points`,
      value: n / (floorMs / 1000),
      unit: 'points/s',
      note: `${floorMs.toFixed(0)} ms for ${((15 * n) / 1e6).toFixed(0)} MB of positions + colours: the ceiling for any parse on this machine`,
    });
    return rows;
  },
};
