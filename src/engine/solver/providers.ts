/**
 * Execution-provider choice and diagnosis. onnxruntime-node throws at session creation when a listed provider
 * is unavailable — even with 'cpu' after it in the list — so CUDA is tried alone, and only when asked for; any
 * failure falls back to the CPU with the reason logged, and the caller records which provider actually runs.
 *
 * Why CUDA does not load is not in onnxruntime-node's error ("Failed to load shared library"): the detail goes to
 * onnxruntime's own log. `diagnoseProviders` (npm run doctor) finds it out the way a person would — are the
 * provider libraries there, can the dynamic loader resolve what they link (ldd), is there a driver and a GPU
 * (nvidia-smi) — and `explainCudaFailure` turns those facts into one sentence that says what to install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { InferenceSession, Tensor as OrtTensor, env as ortEnv, listSupportedBackends } from 'onnxruntime-node';
import { Graph } from './onnx/graph.js';
import { IR_VERSION, OPSET } from './onnx/model.js';
import { encodeModel } from './onnx/proto.js';
import { sessionExtra } from './onnx/runtime.js';

export type ExecutionProvider = 'cpu' | 'cuda';

export interface ProviderChoice<T> {
  value: T;
  provider: ExecutionProvider;
  /** Why the preferred provider was not used, when it was not. */
  fallbackReason?: string;
}

export async function createWithProvider<T>(
  preferred: ExecutionProvider,
  create: (providers: string[]) => Promise<T>,
  log: (message: string) => void,
): Promise<ProviderChoice<T>> {
  if (preferred === 'cuda') {
    try {
      return { value: await create(['cuda']), provider: 'cuda' };
    } catch (e) {
      const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
      log(`solver: CUDA execution provider unavailable, running on CPU (${reason})`);
      return { value: await create(['cpu']), provider: 'cpu', fallbackReason: reason };
    }
  }
  return { value: await create(['cpu']), provider: 'cpu' };
}

/** The files onnxruntime-node loads for CUDA; its installer fetches them (they are too large for npm). */
export const CUDA_PROVIDER_LIBRARIES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'] as const;

/** The one command that fetches them for the pinned onnxruntime-node, on a machine with internet (README › Installing). */
export const CUDA_INSTALL_COMMAND = 'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js';

export interface GpuInfo {
  name: string;
  driver: string;
  /** The highest CUDA version the driver supports, from nvidia-smi's header. */
  cudaVersion?: string;
  memoryMiB?: number;
}

/** What is known about the CUDA provider on this machine; every field is an observation, not a guess. */
export interface CudaFacts {
  /** Provider libraries found next to onnxruntime-node's binding. */
  librariesPresent: readonly string[];
  /** Shared objects the CUDA provider library links that the dynamic loader cannot find (ldd "not found"). */
  missingDependencies: readonly string[];
  /** nvidia-smi's view, or why there is none. */
  gpu: GpuInfo | { error: string };
  /** onnxruntime's error when a CUDA session was tried; undefined when it loaded. */
  sessionError?: string;
  /** Missing dependencies found on disk where the loader does not look (library → folder): see locateLibraries. */
  foundOnDisk?: Readonly<Record<string, string>>;
}

/**
 * The reason CUDA does not load, most basic cause first (a missing provider library hides everything behind it),
 * with what to do. Undefined when nothing stands in the way and the session loaded.
 */
export function explainCudaFailure(f: CudaFacts): string | undefined {
  const absent = CUDA_PROVIDER_LIBRARIES.filter((l) => !f.librariesPresent.includes(l));
  if (absent.length > 0) {
    return `${absent.join(' and ')} ${absent.length > 1 ? 'are' : 'is'} not installed: onnxruntime-node's CUDA download is skipped at install (package.json allowScripts / ONNXRUNTIME_NODE_INSTALL=skip). With internet: ${CUDA_INSTALL_COMMAND} (README › Installing › CUDA)`;
  }
  const driverless = f.missingDependencies.filter((d) => /^libcuda\.so/.test(d));
  if (driverless.length > 0 || 'error' in f.gpu) {
    const why = 'error' in f.gpu ? f.gpu.error : `${driverless.join(', ')} not found`;
    return `no usable NVIDIA driver (${why}): the CUDA provider needs an NVIDIA GPU and its driver`;
  }
  if (f.missingDependencies.length > 0) {
    const links = `the CUDA provider links ${f.missingDependencies.join(', ')}, which the dynamic loader cannot find`;
    const found = f.foundOnDisk ?? {};
    const lost = f.missingDependencies.filter((d) => found[d] === undefined);
    // Installed but off the loader's path (a toolkit in /usr/local/cuda-*, pip's NVIDIA wheels): say where.
    if (lost.length === 0) return `${links}, but they are on this machine: ${ldLibraryPathLine(found)}`;
    // The CUDA major the provider was built for, from whichever of its runtime libraries is missing.
    const major = lost.map((d) => /^lib(?:cudart|cublas|cublasLt)\.so\.(\d+)/.exec(d)?.[1]).find((m) => m !== undefined);
    const partly = lost.length < f.missingDependencies.length ? `; found on disk: ${Object.entries(found).map(([l, dir]) => `${l} in ${dir}`).join(', ')}` : '';
    return `${links}: install the CUDA ${major ?? ''}${major ? ' ' : ''}runtime and cuBLAS${lost.some((d) => d.startsWith('libcudnn')) ? ' and cuDNN' : ''} libraries and put their folder on LD_LIBRARY_PATH${major && f.gpu.cudaVersion ? ` (the driver supports CUDA ${f.gpu.cudaVersion})` : ''}${partly}`;
  }
  if (f.sessionError !== undefined) return `onnxruntime could not create a CUDA session: ${f.sessionError}`;
  return undefined;
}

/** The shell line that puts these libraries' folders on the loader's path, ahead of what is there. */
export function ldLibraryPathLine(found: Readonly<Record<string, string>>): string {
  return `export LD_LIBRARY_PATH=${[...new Set(Object.values(found))].join(':')}\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}`;
}

/**
 * Folders where CUDA, cuBLAS and cuDNN libraries are often installed without being on the loader's path: the
 * toolkit's own, and the NVIDIA wheels pip puts inside Python environments (`nvidia/<part>/lib`; CUDA 13's wheels
 * use `nvidia/cu13/lib`). A `*` stands for one folder name; `$NAME` for an environment variable (the pattern is
 * skipped when it is unset). Seen on a GPU machine: `/usr/local/cuda-13.0/targets/x86_64-linux/lib`, and
 * `/opt/torch/.venv/lib/python3.12/site-packages/nvidia/cu13/lib`.
 */
export const CUDA_LIBRARY_PLACES: readonly string[] = [
  '$CUDA_HOME/lib64',
  '$CUDA_HOME/targets/*/lib',
  '$CUDA_PATH/lib64',
  '/usr/local/cuda*/lib64',
  '/usr/local/cuda*/targets/*/lib',
  '$VIRTUAL_ENV/lib/python3*/site-packages/nvidia/*/lib',
  '$CONDA_PREFIX/lib',
  '$HOME/.local/lib/python3*/site-packages/nvidia/*/lib',
  '/usr/lib/python3*/dist-packages/nvidia/*/lib',
  '/usr/local/lib/python3*/*-packages/nvidia/*/lib',
  '/opt/*/lib/python3*/site-packages/nvidia/*/lib',
  '/opt/*/.venv/lib/python3*/site-packages/nvidia/*/lib',
];

/** The folders a pattern of CUDA_LIBRARY_PLACES names on this machine, in sorted order (no deep search). */
export function expandPlace(pattern: string, env: NodeJS.ProcessEnv = process.env): string[] {
  let unset = false;
  const path = pattern.replace(/\$([A-Z_]+)/g, (_, name: string) => {
    const v = env[name];
    if (!v) unset = true;
    return v ?? '';
  });
  if (unset || !path.startsWith('/')) return [];
  let found = ['/'];
  for (const part of path.split('/').filter(Boolean)) {
    const next: string[] = [];
    for (const dir of found) {
      if (!part.includes('*')) {
        if (existsSync(join(dir, part))) next.push(join(dir, part));
        continue;
      }
      const re = new RegExp(`^${part.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
      let names: string[] = [];
      try {
        names = readdirSync(dir).filter((n) => re.test(n)).sort();
      } catch {
        // Unreadable or not a folder: nothing under it.
      }
      next.push(...names.map((n) => join(dir, n)));
    }
    found = next;
  }
  return found;
}

/** For each library name, the first of these places that holds a file of that name. */
export function locateLibraries(names: readonly string[], places: readonly string[] = CUDA_LIBRARY_PLACES, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const dirs = [...new Set(places.flatMap((p) => expandPlace(p, env)))];
  const found: Record<string, string> = {};
  for (const name of names) {
    const dir = dirs.find((d) => existsSync(join(d, name)));
    if (dir) found[name] = dir;
  }
  return found;
}

/** Where onnxruntime-node keeps its native libraries for this platform. */
export function providerLibraryDir(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(entry), '..', 'bin', 'napi-v6', platform(), arch());
}

export function onnxruntimeNodeVersion(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** `ldd` lines "libfoo.so.1 => not found", as the names. Empty when ldd is absent (then the session error tells). */
export function parseLddMissing(lddOutput: string): string[] {
  return [...lddOutput.matchAll(/^\s*(\S+)\s+=>\s+not found/gm)].map((m) => m[1]!);
}

/** nvidia-smi's CSV query plus the CUDA version from its banner. */
export function parseNvidiaSmi(csv: string, banner: string): GpuInfo | { error: string } {
  const line = csv.split('\n').find((l) => l.trim() !== '');
  if (!line) return { error: 'nvidia-smi listed no GPU' };
  const [name, driver, memory] = line.split(',').map((s) => s.trim());
  if (!name || !driver) return { error: `unexpected nvidia-smi output: ${line.slice(0, 120)}` };
  const cuda = /CUDA Version:\s*([\d.]+)/.exec(banner)?.[1];
  const mib = memory ? Number.parseInt(memory, 10) : Number.NaN;
  return { name, driver, ...(cuda ? { cudaVersion: cuda } : {}), ...(Number.isFinite(mib) ? { memoryMiB: mib } : {}) };
}

export function queryGpu(): GpuInfo | { error: string } {
  const q = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 20_000 });
  if (q.error) return { error: (q.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'nvidia-smi not found: no NVIDIA driver installed' : q.error.message };
  if (q.status !== 0) return { error: `nvidia-smi failed: ${(q.stderr || q.stdout).trim().split('\n')[0]}` };
  const banner = spawnSync('nvidia-smi', [], { encoding: 'utf8', timeout: 20_000 }).stdout ?? '';
  return parseNvidiaSmi(q.stdout, banner);
}

/** A one-Identity model: the cheapest session that still makes onnxruntime initialise a provider. */
function probeModel(): Uint8Array {
  const g = new Graph();
  const x = g.input('x', 'float32', [1]);
  return encodeModel({ irVersion: IR_VERSION, opsets: [{ domain: '', version: OPSET }], producerName: 'doctor', graph: g.toGraphProto('probe', [x], [{ name: 'y', tensor: x }]) });
}

export interface ProviderReport {
  provider: string;
  /** Built into onnxruntime-node's binding (true) or an add-on library (false). */
  bundled: boolean;
  /** False for providers the solver never uses (webgpu, tensorrt): listed, not probed. */
  tried: boolean;
  loads: boolean;
  /** Why not, when it does not load; or why it was not tried. */
  reason?: string;
}

export interface ProvidersDiagnosis {
  onnxruntimeNode: string;
  libraryDir: string;
  providers: ProviderReport[];
  cuda: CudaFacts;
}

/** Tries a session on the CPU and on CUDA, each alone, and gathers the facts behind a CUDA failure. */
export async function diagnoseProviders(): Promise<ProvidersDiagnosis> {
  // Fatal only: a failed provider load otherwise prints onnxruntime's own multi-line error on stderr (before the
  // first session of the process; later ones keep the level the first set).
  ortEnv.logLevel = 'fatal';
  const model = probeModel();
  const tryProvider = async (name: string): Promise<string | undefined> => {
    try {
      const s = await InferenceSession.create(model, { executionProviders: [name], logSeverityLevel: 4, extra: sessionExtra() });
      await s.run({ x: new OrtTensor('float32', Float32Array.of(1), [1]) });
      await s.release();
      return undefined;
    } catch (e) {
      return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    }
  };
  const dir = providerLibraryDir();
  const librariesPresent = CUDA_PROVIDER_LIBRARIES.filter((l) => existsSync(join(dir, l)));
  const cudaLib = join(dir, 'libonnxruntime_providers_cuda.so');
  const ldd = existsSync(cudaLib) ? spawnSync('ldd', [cudaLib], { encoding: 'utf8', timeout: 20_000 }) : undefined;
  const sessionError = await tryProvider('cuda');
  const missingDependencies = ldd?.stdout ? parseLddMissing(ldd.stdout) : [];
  const foundOnDisk = locateLibraries(missingDependencies.filter((d) => !/^libcuda\.so/.test(d)));
  const cuda: CudaFacts = {
    librariesPresent,
    missingDependencies,
    ...(Object.keys(foundOnDisk).length > 0 ? { foundOnDisk } : {}),
    gpu: queryGpu(),
    ...(sessionError !== undefined ? { sessionError } : {}),
  };
  const cpuError = await tryProvider('cpu');
  const providers = listSupportedBackends().map((b): ProviderReport => {
    if (b.name === 'cpu') return { provider: 'cpu', bundled: b.bundled, tried: true, loads: cpuError === undefined, ...(cpuError ? { reason: cpuError } : {}) };
    if (b.name === 'cuda') {
      const reason = sessionError === undefined ? undefined : (explainCudaFailure(cuda) ?? sessionError);
      return { provider: 'cuda', bundled: b.bundled, tried: true, loads: sessionError === undefined, ...(reason ? { reason } : {}) };
    }
    return { provider: b.name, bundled: b.bundled, tried: false, loads: false, reason: 'the solver uses cpu or cuda only' };
  });
  return { onnxruntimeNode: onnxruntimeNodeVersion(), libraryDir: dir, providers, cuda };
}

/** The doctor's screen: one line per provider, the GPU, and what the CUDA provider links. */
export function formatDiagnosis(d: ProvidersDiagnosis): string {
  const lines = [`onnxruntime-node ${d.onnxruntimeNode}; native libraries in ${d.libraryDir}`, '', 'execution providers:'];
  for (const p of d.providers) {
    if (p.tried === false) lines.push(`  ${p.provider.padEnd(9)} not tried (${p.reason})`);
    else lines.push(`  ${p.provider.padEnd(9)} ${p.loads ? 'loads' : 'does NOT load'}${p.bundled ? '' : ' (add-on library)'}${p.reason && !p.loads ? `\n  ${''.padEnd(9)} ${p.reason}` : ''}`);
  }
  lines.push('', 'GPU:');
  lines.push('error' in d.cuda.gpu ? `  none usable: ${d.cuda.gpu.error}` : `  ${d.cuda.gpu.name}, driver ${d.cuda.gpu.driver}${d.cuda.gpu.cudaVersion ? `, CUDA ${d.cuda.gpu.cudaVersion}` : ''}${d.cuda.gpu.memoryMiB ? `, ${d.cuda.gpu.memoryMiB} MiB` : ''}`);
  lines.push('', 'CUDA provider libraries:');
  for (const l of CUDA_PROVIDER_LIBRARIES) lines.push(`  ${l.padEnd(38)} ${d.cuda.librariesPresent.includes(l) ? 'present' : 'missing'}`);
  if (d.cuda.missingDependencies.length > 0) lines.push(`  unresolved links: ${d.cuda.missingDependencies.join(', ')}`);
  const found = d.cuda.foundOnDisk ?? {};
  if (Object.keys(found).length > 0) {
    for (const [l, dir] of Object.entries(found)) lines.push(`  found on disk: ${l} in ${dir}`);
    lines.push(`  to use them: ${ldLibraryPathLine(found)}`);
  }
  return lines.join('\n');
}
