import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CUDA_PROVIDER_LIBRARIES,
  createWithProvider,
  diagnoseProviders,
  explainCudaFailure,
  expandPlace,
  formatDiagnosis,
  locateLibraries,
  parseLddMissing,
  parseNvidiaSmi,
  providerLibraryDir,
  type CudaFacts,
} from '../../../src/engine/solver/providers.js';
import { useTmpDirs } from '../../helpers/tmp.js';

const GPU = { name: 'NVIDIA H100 80GB HBM3', driver: '580.65.06', cudaVersion: '13.0', memoryMiB: 81559 };
const allLibs = [...CUDA_PROVIDER_LIBRARIES];

describe('createWithProvider', () => {
  it('CPU asked: one CPU attempt, no fallback reason', async () => {
    const tried: string[][] = [];
    const choice = await createWithProvider('cpu', async (p) => (tried.push(p), 'session'), () => undefined);
    expect(choice).toEqual({ value: 'session', provider: 'cpu' });
    expect(tried).toEqual([['cpu']]);
  });

  it('CUDA asked and failing: CUDA alone first, then the CPU, with the first line of the reason logged and returned', async () => {
    const tried: string[][] = [];
    const logs: string[] = [];
    const choice = await createWithProvider(
      'cuda',
      async (p) => {
        tried.push(p);
        if (p.includes('cuda')) throw new Error('Failed to load shared library\nsecond line');
        return 'cpu session';
      },
      (m) => logs.push(m),
    );
    expect(tried).toEqual([['cuda'], ['cpu']]);
    expect(choice).toEqual({ value: 'cpu session', provider: 'cpu', fallbackReason: 'Failed to load shared library' });
    expect(logs).toEqual(['solver: CUDA execution provider unavailable, running on CPU (Failed to load shared library)']);
  });

  it('CUDA asked and loading: the CUDA session, never a CPU one', async () => {
    const tried: string[][] = [];
    const choice = await createWithProvider('cuda', async (p) => (tried.push(p), p[0]), () => undefined);
    expect(choice).toEqual({ value: 'cuda', provider: 'cuda' });
    expect(tried).toEqual([['cuda']]);
  });
});

describe('explainCudaFailure: the most basic cause first, with what to do', () => {
  const facts = (over: Partial<CudaFacts>): CudaFacts => ({ librariesPresent: allLibs, missingDependencies: [], gpu: GPU, sessionError: 'Failed to load shared library', ...over });

  it('provider libraries missing: names them and the install command, whatever else is wrong', () => {
    const why = explainCudaFailure(facts({ librariesPresent: ['libonnxruntime_providers_shared.so'], gpu: { error: 'nvidia-smi not found' } }));
    expect(why).toMatch(/^libonnxruntime_providers_cuda\.so is not installed/);
    expect(why).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js');
  });

  it('no driver: libcuda.so.1 unresolved, or nvidia-smi absent', () => {
    expect(explainCudaFailure(facts({ missingDependencies: ['libcublasLt.so.13', 'libcuda.so.1'] }))).toBe('no usable NVIDIA driver (libcuda.so.1 not found): the CUDA provider needs an NVIDIA GPU and its driver');
    expect(explainCudaFailure(facts({ gpu: { error: 'nvidia-smi not found: no NVIDIA driver installed' } }))).toMatch(/^no usable NVIDIA driver \(nvidia-smi not found/);
  });

  it('driver present, CUDA libraries missing: names them, the CUDA major they come from, and cuDNN when it is among them', () => {
    const why = explainCudaFailure(facts({ missingDependencies: ['libcublasLt.so.13', 'libcublas.so.13', 'libcurand.so.10', 'libcudnn.so.9'] }));
    expect(why).toBe(
      'the CUDA provider links libcublasLt.so.13, libcublas.so.13, libcurand.so.10, libcudnn.so.9, which the dynamic loader cannot find: install the CUDA 13 runtime and cuBLAS and cuDNN libraries and put their folder on LD_LIBRARY_PATH (the driver supports CUDA 13.0)',
    );
  });

  it('CUDA libraries installed off the loader\'s path: says where, and the line that puts them on it', () => {
    const found = { 'libcublasLt.so.13': '/usr/local/cuda-13.0/targets/x86_64-linux/lib', 'libcublas.so.13': '/usr/local/cuda-13.0/targets/x86_64-linux/lib', 'libcurand.so.10': '/opt/torch/.venv/lib/python3.12/site-packages/nvidia/cu13/lib' };
    const missing = Object.keys(found);
    expect(explainCudaFailure(facts({ missingDependencies: missing, foundOnDisk: found }))).toBe(
      'the CUDA provider links libcublasLt.so.13, libcublas.so.13, libcurand.so.10, which the dynamic loader cannot find, but they are on this machine: ' +
        'export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/opt/torch/.venv/lib/python3.12/site-packages/nvidia/cu13/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}',
    );
    // Some found, some not: what to install (for the ones not found), and where the others are.
    const partly = explainCudaFailure(facts({ missingDependencies: [...missing, 'libcudnn.so.9'], foundOnDisk: found }));
    expect(partly).toMatch(/: install the CUDA  ?runtime and cuBLAS and cuDNN libraries .*; found on disk: libcublasLt\.so\.13 in \/usr\/local\/cuda-13\.0/);
  });

  it('everything resolves but the session still fails: onnxruntime\'s own message; and nothing when it loaded', () => {
    expect(explainCudaFailure(facts({ sessionError: 'CUDA failure 100: no CUDA-capable device is detected' }))).toBe('onnxruntime could not create a CUDA session: CUDA failure 100: no CUDA-capable device is detected');
    const { sessionError: _, ...loaded } = facts({});
    expect(explainCudaFailure(loaded)).toBeUndefined();
  });
});

describe('locateLibraries: where the loader does not look', () => {
  const tmp = useTmpDirs();

  it('expands one folder name per * and $VARIABLES, skips unset ones, and takes the first place holding each library', () => {
    const root = tmp();
    const put = (dir: string, file: string): void => {
      mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, dir, file), '');
    };
    put('cuda-12.8/targets/x86_64-linux/lib', 'libcublas.so.12');
    put('cuda-13.0/targets/x86_64-linux/lib', 'libcublasLt.so.13');
    put('venv/lib/python3.12/site-packages/nvidia/cu13/lib', 'libcurand.so.10');
    put('venv/lib/python3.12/site-packages/nvidia/cu13/lib', 'libcublasLt.so.13');
    const places = [`${root}/cuda*/targets/*/lib`, '$VIRTUAL_ENV/lib/python3*/site-packages/nvidia/*/lib', '$UNSET_FOR_THIS_TEST/lib'];
    const env = { VIRTUAL_ENV: join(root, 'venv') };
    expect(expandPlace(places[0]!, env)).toEqual([join(root, 'cuda-12.8/targets/x86_64-linux/lib'), join(root, 'cuda-13.0/targets/x86_64-linux/lib')]);
    expect(expandPlace(places[2]!, env)).toEqual([]);
    expect(locateLibraries(['libcublasLt.so.13', 'libcurand.so.10', 'libcudart.so.13'], places, env)).toEqual({
      'libcublasLt.so.13': join(root, 'cuda-13.0/targets/x86_64-linux/lib'),
      'libcurand.so.10': join(root, 'venv/lib/python3.12/site-packages/nvidia/cu13/lib'),
    });
  });

  it('the doctor\'s screen lists what was found and the line to use it', () => {
    const cuda: CudaFacts = { librariesPresent: allLibs, missingDependencies: ['libcublasLt.so.13'], gpu: GPU, sessionError: 'x', foundOnDisk: { 'libcublasLt.so.13': '/usr/local/cuda-13.0/targets/x86_64-linux/lib' } };
    const screen = formatDiagnosis({ onnxruntimeNode: '1.29.0', libraryDir: '/x', providers: [], cuda });
    expect(screen).toContain('  found on disk: libcublasLt.so.13 in /usr/local/cuda-13.0/targets/x86_64-linux/lib\n  to use them: export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}');
  });
});

describe('parsers', () => {
  it('ldd: the "not found" names only', () => {
    const ldd = [
      '\tlinux-vdso.so.1 (0x00007ffd)',
      '\tlibcublasLt.so.13 => not found',
      '\tlibcudart.so.13 => /usr/local/cuda-13.0/lib/libcudart.so.13 (0x00007fe2a0400000)',
      '\tlibcuda.so.1 => not found',
    ].join('\n');
    expect(parseLddMissing(ldd)).toEqual(['libcublasLt.so.13', 'libcuda.so.1']);
  });

  it('nvidia-smi: name, driver and memory from the CSV query, the CUDA version from the banner; a clear error otherwise', () => {
    const banner = '| NVIDIA-SMI 580.65.06              Driver Version: 580.65.06      CUDA Version: 13.0     |';
    expect(parseNvidiaSmi('NVIDIA H100 80GB HBM3, 580.65.06, 81559\n', banner)).toEqual(GPU);
    expect(parseNvidiaSmi('\n', banner)).toEqual({ error: 'nvidia-smi listed no GPU' });
  });
});

describe('diagnoseProviders on this machine', () => {
  it('the CPU provider loads; CUDA loads or is reported with a reason, and the screen says which', async () => {
    const d = await diagnoseProviders();
    const cpu = d.providers.find((p) => p.provider === 'cpu')!;
    const cuda = d.providers.find((p) => p.provider === 'cuda')!;
    expect(cpu).toMatchObject({ tried: true, loads: true });
    expect(cuda.tried).toBe(true);
    const screen = formatDiagnosis(d);
    if (!existsSync(join(providerLibraryDir(), 'libonnxruntime_providers_cuda.so'))) {
      // This project installs without the CUDA download: the reason must say so and how to get it.
      expect(cuda.loads).toBe(false);
      expect(cuda.reason).toMatch(/libonnxruntime_providers_cuda\.so (is|are) not installed.*ONNXRUNTIME_NODE_INSTALL=cuda12/);
      expect(screen).toMatch(/cuda\s+does NOT load/);
    } else {
      expect(cuda.loads || (cuda.reason ?? '').length > 0).toBe(true);
    }
    expect(screen).toMatch(/^onnxruntime-node 1\.29\.0;/);
    expect(screen).toMatch(/cpu\s+loads/);
  }, 60_000);
});
