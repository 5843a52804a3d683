/**
 * Execution-provider choice. onnxruntime-node throws at session creation when a listed provider is
 * unavailable — even with 'cpu' after it in the list — so CUDA is tried alone, and only when asked for; any
 * failure falls back to the CPU with the reason logged, and the caller records which provider actually runs.
 */

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
