import { expect } from 'vitest';
import { InputError } from '../../src/shared/errors.js';

/** The InputError that fn throws; fails the test when fn throws something else or nothing. */
export function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError, none was thrown');
}
