/**
 * three.js routes its console output through one hook. @react-three/fiber 9 still constructs THREE.Clock,
 * which three r183+ reports as deprecated on every Canvas mount; that warning is about a dependency, not
 * about anything a user can act on, so it is dropped here. Everything else passes through unchanged.
 */
import { setConsoleFunction } from 'three';

const SILENCED: readonly RegExp[] = [/^THREE\.Clock: This module has been deprecated/];

setConsoleFunction((type: string, message: string, ...params: unknown[]) => {
  if (type === 'warn' && SILENCED.some((r) => r.test(message))) return;
  if (type === 'error') console.error(message, ...params);
  else if (type === 'warn') console.warn(message, ...params);
  else console.log(message, ...params);
});
