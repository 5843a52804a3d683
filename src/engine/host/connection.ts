/**
 * The host's own connection to the workspace, opened on first use rather than at start-up: a read-only host
 * may be started before any writer has created the database, and `info()` must answer without one.
 */
import { openStore, type Store } from '../store/store.js';

export class StoreConnection {
  private store: Store | undefined;

  constructor(
    readonly workspaceDir: string,
    readonly readonly: boolean,
  ) {}

  /** The open store; throws the store's own clear error when the workspace cannot be opened. */
  get(): Store {
    this.store ??= openStore({ workspaceDir: this.workspaceDir, readonly: this.readonly });
    return this.store;
  }

  /** The open store, or undefined while it cannot be opened yet (for background polling, which must not throw). */
  tryGet(): Store | undefined {
    try {
      return this.get();
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.store?.close();
    this.store = undefined;
  }
}
