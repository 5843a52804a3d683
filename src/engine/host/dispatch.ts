/** One entry for every transport: a method name and its positional arguments, checked, then the host's answer. */
import type { WorkbenchApi } from '../../shared/api.js';
import { validateApiArgs, type ApiMethod } from '../../shared/apiValidation.js';

export async function invokeApi(host: WorkbenchApi, method: ApiMethod, args: unknown): Promise<unknown> {
  const checked = validateApiArgs(method, args);
  const fn = host[method] as (...a: unknown[]) => Promise<unknown>;
  return fn.apply(host, checked as unknown[]);
}
