/**
 * `npm run gpu-kit` (bench/gpuKit.ts): the fat-binary pruning on a constructed ELF file (only other architectures'
 * code zeroed, every other byte kept, clear errors), the package closure against this checkout's node_modules, which
 * files travel, and how parts are grouped into transfers. The whole kit (pack, unpack, run gpu-check with only its
 * Node and node_modules) is `npm run gpu-kit -- --verify`, minutes of xz: not run here.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_SH, UNPACK_PY, carried, packageClosure, pruneFatbin, transfers } from '../../../bench/gpuKit.js';
import { CUDA_PROVIDER_LIBRARIES, formatDiagnosis, type CudaFacts } from '../../../src/engine/solver/providers.js';

interface Entry {
  kind: number;
  arch: number;
  payload: number[];
}

/** A minimal 64-bit little-endian ELF file: sections null, .shstrtab, .text, .nv_fatbin (one container of `entries`). */
function elfWithFatbin(entries: readonly Entry[], sectionName = '.nv_fatbin'): Uint8Array {
  const names = `\0.shstrtab\0.text\0${sectionName}\0`;
  const text = [1, 2, 3, 4, 5, 6, 7, 8];
  const body: number[] = [];
  for (const e of entries) {
    const header = new DataView(new ArrayBuffer(64));
    header.setUint16(0, e.kind, true);
    header.setUint16(2, 0x0101, true);
    header.setUint32(4, 64, true);
    header.setUint32(8, e.payload.length, true);
    header.setUint32(28, e.arch, true);
    body.push(...new Uint8Array(header.buffer), ...e.payload);
  }
  const container = new DataView(new ArrayBuffer(16));
  container.setUint32(0, 0xba55ed50, true);
  container.setUint16(4, 1, true);
  container.setUint16(6, 16, true);
  container.setBigUint64(8, BigInt(body.length), true);
  // 8 bytes of padding before the container, as between containers in a real library.
  const fatbin = [...new Array<number>(8).fill(0), ...new Uint8Array(container.buffer), ...body];

  const layout = { names: 64, text: 64 + names.length, fatbin: 64 + names.length + text.length };
  const shoff = layout.fatbin + fatbin.length;
  const file = new Uint8Array(shoff + 4 * 64);
  const view = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  view.setBigUint64(0x28, BigInt(shoff), true);
  view.setUint16(0x3a, 64, true);
  view.setUint16(0x3c, 4, true);
  view.setUint16(0x3e, 1, true);
  file.set(Buffer.from(names, 'latin1'), layout.names);
  file.set(text, layout.text);
  file.set(fatbin, layout.fatbin);
  const section = (i: number, name: number, offset: number, size: number): void => {
    const at = shoff + i * 64;
    view.setUint32(at, name, true);
    view.setBigUint64(at + 0x18, BigInt(offset), true);
    view.setBigUint64(at + 0x20, BigInt(size), true);
  };
  section(1, 1, layout.names, names.length);
  section(2, names.indexOf('.text'), layout.text, text.length);
  section(3, names.indexOf(sectionName), layout.fatbin, fatbin.length);
  return file;
}

describe('gpu-kit: pruning a CUDA library to one architecture', () => {
  const entries: Entry[] = [
    { kind: 2, arch: 80, payload: new Array<number>(24).fill(0xaa) },
    { kind: 2, arch: 90, payload: new Array<number>(16).fill(0xbb) },
    { kind: 1, arch: 80, payload: new Array<number>(8).fill(0xcc) }, // PTX: kept whatever its architecture
    { kind: 2, arch: 86, payload: new Array<number>(32).fill(0xdd) },
  ];

  it('zeroes only the other architectures’ ELF payloads and keeps every other byte', () => {
    const original = elfWithFatbin(entries);
    const lib = Uint8Array.from(original);
    const summary = pruneFatbin(lib, [90]);
    expect(summary).toEqual({ containers: 1, bytesByArch: new Map([[80, 24], [90, 16], [86, 32]]), zeroed: 56 });
    const changed = [...lib.keys()].filter((i) => lib[i] !== original[i]);
    expect(changed.length).toBe(56);
    expect(changed.every((i) => original[i] === 0xaa || original[i] === 0xdd)).toBe(true);
    // What is left of the zeroed values is what the headers and offsets held before.
    const count = (a: Uint8Array, v: number): number => a.filter((b) => b === v).length;
    expect(count(original, 0xaa) - count(lib, 0xaa)).toBe(24);
    expect(count(original, 0xdd) - count(lib, 0xdd)).toBe(32);
  });

  it('refuses a file without the architecture, without a fat binary, or that is not ELF, saying which', () => {
    expect(() => pruneFatbin(elfWithFatbin(entries), [120], 'libx.so')).toThrow('libx.so has no code for sm_120 (it has sm_80, sm_86, sm_90)');
    expect(() => pruneFatbin(elfWithFatbin(entries, '.rodata'), [90], 'liby.so')).toThrow('liby.so has no .nv_fatbin section: not a CUDA library');
    expect(() => pruneFatbin(new TextEncoder().encode('#!/bin/sh\n'.padEnd(80)), [90], 'run.sh')).toThrow('run.sh is not a 64-bit little-endian ELF file');
  });
});

describe('gpu-kit: what travels', () => {
  it('closes the roots over installed dependencies and skips what another platform would need', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpu-kit-'));
    try {
      const pkg = (name: string, deps: Record<string, string> = {}, optional: Record<string, string> = {}): void => {
        mkdirSync(join(dir, name), { recursive: true });
        writeFileSync(join(dir, name, 'package.json'), JSON.stringify({ name, dependencies: deps, optionalDependencies: optional }));
      };
      pkg('a', { b: '1', '@s/c': '1' });
      pkg('b', { a: '1' });
      pkg('@s/c', {}, { '@s/c-linux-x64': '1', '@s/c-darwin-arm64': '1' });
      pkg('@s/c-linux-x64');
      pkg('unused');
      expect(packageClosure(dir, ['a'])).toEqual(['@s/c', '@s/c-linux-x64', 'a', 'b']);
      expect(() => packageClosure(dir, ['missing'])).toThrow(`missing is not installed in ${dir}: run npm ci first`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync('node_modules/onnxruntime-node'))('this checkout’s production closure holds the runtime, the sandbox and tsx', () => {
    const closure = packageClosure('node_modules', ['onnxruntime-node', 'better-sqlite3', 'quickjs-emscripten-core', 'tsx']);
    for (const p of ['onnxruntime-common', 'bindings', 'esbuild']) expect(closure).toContain(p);
    expect(closure).not.toContain('vite');
  });

  it('leaves out maps, types, docs, other platforms’ onnxruntime and the SQLite sources', () => {
    expect(carried('onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node')).toBe(true);
    expect(carried('onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll')).toBe(false);
    expect(carried('better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(carried('better-sqlite3/build/Release/obj.target/sqlite3/gen/sqlite3/sqlite3.o')).toBe(false);
    expect(carried('better-sqlite3/deps/sqlite3/sqlite3.c')).toBe(false);
    expect(carried('better-sqlite3/lib/database.js')).toBe(true);
    expect(carried('tsx/dist/index.mjs')).toBe(true);
    expect(carried('tsx/dist/index.d.mts')).toBe(false);
    expect(carried('openai/index.js.map')).toBe(false);
    expect(carried('openai/README.md')).toBe(false);
  });

  it('groups parts in order into transfers under the limit, and refuses a part that cannot fit', () => {
    const MiB = 2 ** 20;
    expect(transfers([{ name: 'node', bytes: 24 * MiB }, { name: 'modules', bytes: 20 * MiB }, { name: 'provider', bytes: 38 * MiB }, { name: 'scripts', bytes: 4096 }], 64 * MiB)).toEqual([
      ['node', 'modules'],
      ['provider', 'scripts'],
    ]);
    expect(() => transfers([{ name: 'chromium', bytes: 78 * MiB }], 64 * MiB)).toThrow('chromium (78.0 MiB) alone exceeds a transfer of 64.0 MiB');
  });
});

const havePython = spawnSync('python3', ['-c', 'import lzma, tarfile'], { encoding: 'utf8' }).status === 0;

describe('gpu-kit: the device side', () => {
  it('run.sh is valid POSIX shell', () => {
    const r = spawnSync('sh', ['-n'], { input: RUN_SH, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('run.sh reads the doctor’s own screen: the line that uses libraries found on disk, else the unresolved links to search for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpu-kit-doctor-'));
    try {
      const gpu = { name: 'NVIDIA H200', driver: '580.159.04', cudaVersion: '13.0', memoryMiB: 143771 };
      const screen = (cuda: CudaFacts): string => formatDiagnosis({ onnxruntimeNode: '1.29.0', libraryDir: '/x', providers: [], cuda });
      const missing = ['libcublasLt.so.13', 'libcudnn.so.9'];
      // The two reads as run.sh has them, run over each screen.
      const useLine = /^LINE=\$\((.+)\)$/m.exec(RUN_SH)![1]!;
      const searched = /for l in \$\((.+?)\); do/.exec(RUN_SH)![1]!;
      const read = (doctor: string, command: string): string => {
        writeFileSync(join(dir, 'doctor.txt'), doctor);
        return spawnSync('sh', ['-c', command], { env: { ...process.env, OUT: dir }, encoding: 'utf8' }).stdout.trim();
      };
      const found = screen({ librariesPresent: [...CUDA_PROVIDER_LIBRARIES], missingDependencies: missing, gpu, sessionError: 'x', foundOnDisk: { 'libcublasLt.so.13': '/usr/local/cuda-13.0/targets/x86_64-linux/lib', 'libcudnn.so.9': '/opt/n/lib' } });
      expect(read(found, useLine)).toBe('export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/opt/n/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}');
      const lost = screen({ librariesPresent: [...CUDA_PROVIDER_LIBRARIES], missingDependencies: missing, gpu, sessionError: 'x' });
      expect(read(lost, useLine)).toBe('');
      expect(read(lost, searched).split(/\s+/)).toEqual(missing);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!havePython)('unpack.py restores a file and a folder that Python’s lzma packed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpu-kit-unpack-'));
    try {
      writeFileSync(join(dir, 'unpack.py'), UNPACK_PY);
      mkdirSync(join(dir, 'src/sub'), { recursive: true });
      writeFileSync(join(dir, 'src/sub/a.txt'), 'alpha');
      const pack = `import lzma, tarfile
open('${dir}/one.xz', 'wb').write(lzma.compress(b'binary bytes'))
with tarfile.open('${dir}/tree.tar.xz', 'w:xz') as t: t.add('${dir}/src/sub/a.txt', arcname='node_modules/sub/a.txt')`;
      expect(spawnSync('python3', ['-c', pack]).status).toBe(0);
      expect(spawnSync('python3', [join(dir, 'unpack.py'), join(dir, 'one.xz'), join(dir, 'one')]).status).toBe(0);
      expect(spawnSync('python3', [join(dir, 'unpack.py'), join(dir, 'tree.tar.xz'), join(dir, 'out')]).status).toBe(0);
      expect(readFileSync(join(dir, 'one'), 'utf8')).toBe('binary bytes');
      expect(readFileSync(join(dir, 'out/node_modules/sub/a.txt'), 'utf8')).toBe('alpha');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
