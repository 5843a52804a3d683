/**
 * `npm run gpu-kit [-- --out DIR] [--arch SM] [--limit-mib N] [--verify]`: packs what
 * `npm run gpu-check -- --no-viewer` needs on a Linux x64 machine with an NVIDIA GPU that has neither Node, npm nor
 * internet — a lent, offline box that only receives files (issue 15's measurements ran on one, an H200 lent for
 * 15 minutes with at most 64 MiB per transfer). Into DIR (default `.gpu-kit/`, git-ignored):
 *
 *   node.xz                  this Node binary
 *   node_modules.tar.xz      the production dependencies and tsx, closed over their own dependencies; other
 *                            platforms' onnxruntime binaries, better-sqlite3's sources, maps and type files left out
 *   cuda-provider.tar.xz     onnxruntime 1.29.0's CUDA provider from the npm package the README names
 *                            (CUDA_PROVIDER_PACKAGE); with --arch, the GPU code for other architectures zeroed
 *                            (pruneFatbin), which xz then packs small: the library then runs on that GPU only
 *   unpack.py, run.sh        the device side: unpack with Python's lzma (no xz promised there), put the CUDA
 *                            libraries on the loader's path (npm run doctor's line, else a search), doctor, gpu-check;
 *                            and whether the driver exposes graphics too (graphics.txt), which a viewer run would need
 *
 * and prints which parts go together in transfers of at most --limit-mib. Run on the device, in the repository
 * root: `sh .gpu-kit/run.sh` (after every part arrived); results land in $OUT (default ./gpu-kit-out).
 * --verify unpacks node_modules into a scratch copy of the repository and runs `gpu-check --quick --no-viewer`
 * there with the kit's Node, so a package missing from the kit shows here, not on the lent machine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { wantsHelp } from '../src/engine/cli/main.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The npm package carrying onnxruntime 1.29.0's CUDA provider (README › CUDA: checked contents and licence). */
export const CUDA_PROVIDER_PACKAGE = 'com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9';
const PROVIDER_LIBRARIES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];
const PROVIDER_DIR = 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64';

// ---------------------------------------------------------------------------------------------------------------
// Which packages: the closure of the roots over installed dependencies.

/** The packages `roots` need, following each installed package's dependencies and optional dependencies. */
export function packageClosure(nodeModules: string, roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    const manifest = join(nodeModules, name, 'package.json');
    // An optional dependency for another platform is not installed: nothing to carry.
    if (!existsSync(manifest)) continue;
    seen.add(name);
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    queue.push(...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}));
  }
  for (const r of roots) if (!seen.has(r)) throw new Error(`${r} is not installed in ${nodeModules}: run npm ci first`);
  return [...seen].sort();
}

/** Files of a package the device needs: no maps, type files or docs; onnxruntime for linux/x64 only; no C sources. */
export function carried(path: string): boolean {
  if (/\.(map|d\.ts|d\.mts|d\.cts|md|markdown)$/i.test(path)) return false;
  if (/^onnxruntime-node\/bin\/napi-v6\//.test(path) && !path.startsWith('onnxruntime-node/bin/napi-v6/linux/x64/')) return false;
  // better-sqlite3: the built add-on and its JavaScript; its SQLite sources and object files are 27 MB.
  if (path.startsWith('better-sqlite3/') && !/^better-sqlite3\/(package\.json|lib\/|build\/Release\/[^/]+\.node$)/.test(path)) return false;
  if (/^openai\/src\//.test(path)) return false;
  return true;
}

function filesUnder(root: string, dir: string, out: string[]): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) filesUnder(root, path, out);
    else if ((entry.isFile() || entry.isSymbolicLink()) && carried(path)) out.push(path);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// CUDA fat binaries: zero the GPU code of architectures the target GPU does not run.

const FATBIN_MAGIC = 0xba55ed50;
const ENTRY_ELF = 2;

export interface FatbinSummary {
  containers: number;
  /** Bytes of ELF code per architecture (e.g. 90 for sm_90), before zeroing. */
  bytesByArch: Map<number, number>;
  zeroed: number;
}

/**
 * Zeroes, in place, the payload of every ELF (cubin) entry in the `.nv_fatbin` section of a 64-bit little-endian
 * ELF shared library whose architecture is not in `keep`; headers, PTX entries and everything outside the payloads
 * stay byte for byte. The CUDA runtime picks the entry for the GPU's own architecture, so the library runs there
 * exactly as before and compresses far better (1,591 entries in 289 containers, 134 of 166 MB, for the 0.4.9
 * package's provider and keep = [90]). Container and entry layouts are CUDA's fat binary format as `cuobjdump`
 * reads it: a 16-byte container header (magic, version, header size, body size), then entries of a 64-byte
 * header (kind and version in 16 bits each, header size, padded payload size, …, the architecture at byte 28) + payload.
 */
export function pruneFatbin(lib: Uint8Array, keep: readonly number[], file = 'the library'): FatbinSummary {
  const view = new DataView(lib.buffer, lib.byteOffset, lib.byteLength);
  if (lib.length < 64 || view.getUint32(0, false) !== 0x7f454c46 || lib[4] !== 2 || lib[5] !== 1) throw new Error(`${file} is not a 64-bit little-endian ELF file`);
  const shoff = Number(view.getBigUint64(0x28, true));
  const shentsize = view.getUint16(0x3a, true);
  const shnum = view.getUint16(0x3c, true);
  const shstrndx = view.getUint16(0x3e, true);
  const section = (i: number): { name: number; offset: number; size: number } => {
    const at = shoff + i * shentsize;
    return { name: view.getUint32(at, true), offset: Number(view.getBigUint64(at + 0x18, true)), size: Number(view.getBigUint64(at + 0x20, true)) };
  };
  const names = section(shstrndx);
  const nameOf = (offset: number): string => {
    let end = names.offset + offset;
    while (lib[end] !== 0) end++;
    return Buffer.from(lib.subarray(names.offset + offset, end)).toString('latin1');
  };
  let fatbin: { offset: number; size: number } | undefined;
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (nameOf(s.name) === '.nv_fatbin') fatbin = s;
  }
  if (!fatbin) throw new Error(`${file} has no .nv_fatbin section: not a CUDA library`);
  const summary: FatbinSummary = { containers: 0, bytesByArch: new Map(), zeroed: 0 };
  const end = fatbin.offset + fatbin.size;
  let at = fatbin.offset;
  while (at + 16 <= end) {
    // Containers are 8-byte aligned with padding between them.
    if (view.getUint32(at, true) !== FATBIN_MAGIC) {
      at += 8;
      continue;
    }
    summary.containers++;
    const headerSize = view.getUint16(at + 6, true);
    const bodyEnd = at + headerSize + Number(view.getBigUint64(at + 8, true));
    if (bodyEnd > end) throw new Error(`${file}: a fat binary at byte ${at} runs past its section`);
    let entry = at + headerSize;
    while (entry + 64 <= bodyEnd) {
      const kind = view.getUint16(entry, true);
      const entryHeader = view.getUint32(entry + 4, true);
      const padded = view.getUint32(entry + 8, true);
      const arch = view.getUint32(entry + 28, true);
      if (entryHeader === 0) break;
      const payload = entry + entryHeader;
      if (payload + padded > bodyEnd) throw new Error(`${file}: a fat binary entry at byte ${entry} runs past its container`);
      if (kind === ENTRY_ELF) {
        summary.bytesByArch.set(arch, (summary.bytesByArch.get(arch) ?? 0) + padded);
        if (!keep.includes(arch)) {
          lib.fill(0, payload, payload + padded);
          summary.zeroed += padded;
        }
      }
      entry = payload + padded;
    }
    at = bodyEnd;
  }
  if (keep.some((a) => !summary.bytesByArch.has(a))) {
    const have = [...summary.bytesByArch.keys()].sort((a, b) => a - b).map((a) => `sm_${a}`);
    throw new Error(`${file} has no code for ${keep.map((a) => `sm_${a}`).join(', ')} (it has ${have.join(', ')})`);
  }
  return summary;
}

// ---------------------------------------------------------------------------------------------------------------
// The device side.

/** The device side's two files, as the kit writes them. */
export const UNPACK_PY = `# Unpacks the kit's .xz files with Python's lzma: the device may have no xz.
import lzma, shutil, sys, tarfile
src, dst = sys.argv[1], sys.argv[2]
if src.endswith('.tar.xz'):
    with tarfile.open(src, 'r:xz') as t: t.extractall(dst)
else:
    with lzma.open(src) as i, open(dst, 'wb') as o: shutil.copyfileobj(i, o, 1 << 22)
`;

export const RUN_SH = `#!/bin/sh
# The device side of npm run gpu-kit, run from the repository root: unpack what is not yet unpacked, put the CUDA
# libraries on the loader's path, then npm run doctor and npm run gpu-check -- --no-viewer. Figures go to $OUT.
K=$(dirname "$0"); OUT=\${OUT:-gpu-kit-out}; mkdir -p "$OUT" "$K/bin"
[ -x "$K/bin/node" ] || { python3 "$K/unpack.py" "$K/node.xz" "$K/bin/node" && chmod +x "$K/bin/node"; } || exit 2
export PATH="$(cd "$K/bin" && pwd):$PATH"
[ -d node_modules/tsx ] || python3 "$K/unpack.py" "$K/node_modules.tar.xz" . || exit 2
[ -f ${PROVIDER_DIR}/libonnxruntime_providers_cuda.so ] || python3 "$K/unpack.py" "$K/cuda-provider.tar.xz" ${PROVIDER_DIR} || exit 2
echo "node $(node -v); GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1)"
# Whether the driver exposes graphics (EGL, Vulkan) as well as compute: what a viewer run on this GPU would need.
{ ldconfig -p 2>/dev/null | grep -E 'libEGL_nvidia|libGLX_nvidia|libnvidia-glcore|libvulkan' || echo 'no NVIDIA EGL/GLX/Vulkan libraries in the loader cache'
  ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>/dev/null; echo "NVIDIA_DRIVER_CAPABILITIES=\${NVIDIA_DRIVER_CAPABILITIES:-unset}"; } > "$OUT/graphics.txt" 2>&1
# Where the doctor found the provider's unresolved links off the loader's path, it prints the line that uses them;
# otherwise the disk is searched for the links it names.
node --import tsx src/engine/cli/doctor.ts > "$OUT/doctor.txt" 2>&1
LINE=$(sed -n 's/^ *to use them: //p' "$OUT/doctor.txt" | head -1)
if [ -n "$LINE" ]; then eval "$LINE"; else
  L=$(for l in $(sed -n 's/^ *unresolved links: //p' "$OUT/doctor.txt" | tr ',' ' '); do
        find / \\( -path /proc -o -path /sys -o -path /dev \\) -prune -o -name "$l" -print 2>/dev/null | head -1; done | xargs -r -n1 dirname | sort -u | paste -sd: -)
  [ -n "$L" ] && export LD_LIBRARY_PATH="$L\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
echo "LD_LIBRARY_PATH=\${LD_LIBRARY_PATH:-}"
[ -n "\${OUROBOROS_PYTHON:-}" ] || export OUROBOROS_PYTHON=$(command -v python3)
node --import tsx src/engine/cli/doctor.ts 2>&1 | tee "$OUT/doctor.txt"
grep -Eq '^ +cuda +loads' "$OUT/doctor.txt" || { echo 'CUDA does not load (see the doctor above): stopping'; exit 3; }
timeout \${GPU_CHECK_S:-420} node --import tsx bench/gpuCheck.ts --no-viewer --out "$OUT/gpu-check.json" 2>&1 | tee "$OUT/gpu-check.log"
`;

// ---------------------------------------------------------------------------------------------------------------

function xz(input: string, output: string): void {
  execFileSync('sh', ['-c', 'xz -9 -T0 -c "$0" > "$1"', input, output], { stdio: ['ignore', 'ignore', 'inherit'] });
}

function tarXz(root: string, files: readonly string[], output: string): void {
  const list = `${output}.files`;
  writeFileSync(list, `${files.join('\n')}\n`);
  try {
    execFileSync('sh', ['-c', 'tar -C "$0" -cf - -T "$1" | xz -9 -T0 > "$2"', root, list, output], { stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    rmSync(list, { force: true });
  }
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Groups parts, in order, into transfers of at most `limit` bytes each. */
export function transfers(parts: readonly { name: string; bytes: number }[], limit: number): string[][] {
  const out: { names: string[]; bytes: number }[] = [];
  for (const p of parts) {
    if (p.bytes > limit) throw new Error(`${p.name} (${mib(p.bytes)}) alone exceeds a transfer of ${mib(limit)}`);
    const last = out[out.length - 1];
    if (last && last.bytes + p.bytes <= limit) {
      last.names.push(p.name);
      last.bytes += p.bytes;
    } else out.push({ names: [p.name], bytes: p.bytes });
  }
  return out.map((t) => t.names);
}

function providerLibraries(work: string, tarball: string | undefined): string {
  let tgz = tarball;
  if (!tgz) {
    process.stdout.write(`  … npm pack ${CUDA_PROVIDER_PACKAGE} (179 MB from the registry)\n`);
    const name = execFileSync('npm', ['pack', CUDA_PROVIDER_PACKAGE, '--silent', '--pack-destination', work], { encoding: 'utf8' }).trim().split('\n').pop()!;
    tgz = join(work, name);
  }
  execFileSync('tar', ['-xzf', tgz, '-C', work, ...PROVIDER_LIBRARIES.map((l) => `package/Plugins/Linux/x64/${l}`)]);
  return join(work, 'package/Plugins/Linux/x64');
}

const GPU_KIT_USAGE = `usage: npm run gpu-kit [-- --out DIR] [--arch SM[,SM…]] [--limit-mib N] [--provider-tgz FILE] [--verify]
  packs what \`npm run gpu-check -- --no-viewer\` needs on an offline Linux x64 machine with an NVIDIA GPU into DIR
  (default .gpu-kit/): this Node, the dependencies, onnxruntime's CUDA provider (with --arch, only that GPU's code),
  and the scripts that unpack and run it, grouped into transfers of at most N MiB (default 64). --verify then runs
  the kit's gpu-check here with the kit's own Node and modules.`;

async function main(): Promise<void> {
  if (wantsHelp(process.argv.slice(2))) {
    process.stdout.write(`${GPU_KIT_USAGE}\n`);
    return;
  }
  const { values } = parseArgs({
    options: { out: { type: 'string' }, arch: { type: 'string' }, 'limit-mib': { type: 'string' }, 'provider-tgz': { type: 'string' }, verify: { type: 'boolean' } },
  });
  const out = resolve(values.out ?? join(REPO, '.gpu-kit'));
  const arch = values.arch === undefined ? [] : values.arch.split(',').map((a) => Number(a.replace(/^sm_/, '')));
  if (arch.some((a) => !Number.isInteger(a) || a < 10)) throw new Error(`--arch takes compute capabilities such as 90 or sm_90 (comma-separated), got ${values.arch}`);
  const limit = Number(values['limit-mib'] ?? 64) * 2 ** 20;
  if (!(limit > 0)) throw new Error(`--limit-mib must be a positive number, got ${values['limit-mib']}`);
  const tgz = values['provider-tgz'];
  if (tgz !== undefined && !existsSync(tgz)) throw new Error(`--provider-tgz ${tgz} does not exist (npm pack ${CUDA_PROVIDER_PACKAGE} makes it)`);
  for (const tool of ['xz', 'tar']) if (spawnSync(tool, ['--version']).status !== 0) throw new Error(`${tool} is needed to pack the kit (apt-get install -y xz-utils tar)`);
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'gpu-kit-'));
  try {
    process.stdout.write(`  … node ${process.version} (${process.execPath})\n`);
    xz(process.execPath, join(out, 'node.xz'));

    const root = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const nodeModules = join(REPO, 'node_modules');
    const packages = packageClosure(nodeModules, [...Object.keys(root.dependencies), 'tsx']);
    const files: string[] = [];
    for (const p of packages) filesUnder(nodeModules, p, files);
    process.stdout.write(`  … node_modules: ${packages.length} packages, ${files.length} files\n`);
    // Paths from the repository root: the device unpacks into its root.
    tarXz(REPO, files.map((f) => `node_modules/${f}`), join(out, 'node_modules.tar.xz'));

    const libs = providerLibraries(work, tgz);
    if (arch.length > 0) {
      const path = join(libs, 'libonnxruntime_providers_cuda.so');
      const lib = readFileSync(path);
      const s = pruneFatbin(lib, arch, path);
      writeFileSync(path, lib);
      const archs = [...s.bytesByArch].sort((a, b) => a[0] - b[0]).map(([a, b]) => `sm_${a} ${mib(b)}`).join(', ');
      process.stdout.write(`  … CUDA provider: ${s.containers} fat binaries (${archs}); zeroed ${mib(s.zeroed)}, kept ${arch.map((a) => `sm_${a}`).join(', ')}\n`);
    }
    tarXz(libs, PROVIDER_LIBRARIES, join(out, 'cuda-provider.tar.xz'));

    writeFileSync(join(out, 'unpack.py'), UNPACK_PY);
    writeFileSync(join(out, 'run.sh'), RUN_SH, { mode: 0o755 });

    const parts = ['node.xz', 'node_modules.tar.xz', 'cuda-provider.tar.xz', 'unpack.py', 'run.sh'].map((name) => ({ name, bytes: statSync(join(out, name)).size }));
    for (const p of parts) process.stdout.write(`  ${p.name.padEnd(24)} ${mib(p.bytes).padStart(10)}\n`);
    const at = relative(REPO, out) || '.';
    let plan: string[][];
    try {
      plan = transfers(parts, limit);
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}${arch.length === 0 ? '; --arch with the lent GPU’s compute capability (90 for an H100 or H200) keeps only its code' : ''}`);
    }
    process.stdout.write(`\n  ${plan.length} transfer(s) of at most ${mib(limit)}, in this order (run.sh, in the last, needs every part in place):\n`);
    plan.forEach((t, i) => process.stdout.write(`    ${i + 1}. ${t.map((n) => `${at}/${n}`).join(' ')}\n`));
    if (arch.length === 0) process.stdout.write('  (no --arch: the provider keeps every architecture; --arch 90 keeps only the code an H100 or H200 runs and packs far smaller)\n');
    process.stdout.write(`  then, on the device, from the repository root: sh ${at}/run.sh\n`);

    if (values.verify) verify(out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs gpu-check's quick CPU half in a scratch copy of the repository with only the kit's Node and node_modules. */
function verify(kit: string): void {
  const scratch = mkdtempSync(join(tmpdir(), 'gpu-kit-verify-'));
  try {
    const tracked = execFileSync('git', ['-C', REPO, 'ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const f of tracked) cpSync(join(REPO, f), join(scratch, f), { recursive: true });
    mkdirSync(join(scratch, 'bin'));
    execFileSync('python3', [join(kit, 'unpack.py'), join(kit, 'node.xz'), join(scratch, 'bin/node')]);
    execFileSync('chmod', ['+x', join(scratch, 'bin/node')]);
    execFileSync('python3', [join(kit, 'unpack.py'), join(kit, 'node_modules.tar.xz'), scratch]);
    process.stdout.write(`\n  … verify: gpu-check --quick --no-viewer in ${scratch} with the kit's node and node_modules only\n`);
    const env = { ...process.env, PATH: `${join(scratch, 'bin')}:/usr/bin:/bin`, NODE_OPTIONS: '' };
    const r = spawnSync(join(scratch, 'bin/node'), ['--import', 'tsx', 'bench/gpuCheck.ts', '--quick', '--no-viewer', '--out', join(scratch, 'gpu-check.json')], { cwd: scratch, env, encoding: 'utf8' });
    process.stdout.write(r.stdout.split('\n').slice(-8).join('\n'));
    if (r.status !== 0) throw new Error(`the kit is incomplete: gpu-check exited with ${r.status}\n${r.stderr.slice(-2000)}`);
    process.stdout.write('\n  verify: passed\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(fileURLToPath(import.meta.url))) {
  main().catch((e: unknown) => {
    process.stderr.write(`gpu-kit failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
