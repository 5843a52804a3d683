/**
 * App-wide state: host info, the current route, error banners and long-running tasks (progress bars). A
 * vanilla zustand store: no React, no DOM, so tests drive it directly.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { WorkbenchApi, WorkbenchInfo } from '../../../shared/api.js';
import { errorMessage } from '../lib/errors.js';
import { formatRoute, type Route } from '../lib/route.js';

export interface Banner {
  id: number;
  /** What was being done ("Starting a run"). */
  context: string;
  message: string;
  at: number;
}

export interface Task {
  id: number;
  label: string;
  done: number;
  total: number;
}

export interface AppState {
  info: WorkbenchInfo | null;
  infoError: string | null;
  route: Route;
  errors: Banner[];
  tasks: Task[];
  /** Whether live events are flowing (browser mode's socket); null when the transport does not say. */
  eventsConnected: boolean | null;
  loadInfo(): Promise<void>;
  setEventsConnected(connected: boolean): void;
  /** Changes the route and asks the shell to reflect it in the address (hash). */
  navigate(route: Route): void;
  /** Sets the route from the address (hashchange), without writing it back. */
  setRoute(route: Route): void;
  /**
   * The same view's state changed (a filter, a selection): the address follows in place, replacing the history
   * entry, so Back leaves the view rather than undoing each keystroke.
   */
  replaceRoute(route: Route): void;
  reportError(context: string, e: unknown): void;
  dismissError(id: number): void;
  clearErrors(): void;
  startTask(label: string, total: number): number;
  updateTask(id: number, done: number, total?: number): void;
  endTask(id: number): void;
}

export type AppStore = StoreApi<AppState>;

export interface AppStoreOptions {
  /** Called with the new hash on navigate (the shell sets location.hash). */
  onNavigate?: (hash: string) => void;
  /** Called with the new hash on replaceRoute (the shell replaces the history entry's address). */
  onReplace?: (hash: string) => void;
  initialRoute?: Route;
  now?: () => number;
}

const MAX_BANNERS = 5;

export function createAppStore(api: WorkbenchApi, opts: AppStoreOptions = {}): AppStore {
  let nextId = 1;
  const now = opts.now ?? (() => Date.now());
  return createStore<AppState>()((set, get) => ({
    info: null,
    infoError: null,
    route: opts.initialRoute ?? { view: 'runs' },
    errors: [],
    tasks: [],
    eventsConnected: null,
    setEventsConnected(eventsConnected) {
      set({ eventsConnected });
    },
    async loadInfo() {
      try {
        const info = await api.info();
        set({ info, infoError: null });
      } catch (e) {
        set({ infoError: errorMessage(e) });
        get().reportError('Connecting to the workbench host', e);
      }
    },
    navigate(route) {
      // The new history entry first: what the route change sets off (the address following the view's state)
      // then lands on it, not on the entry being left.
      opts.onNavigate?.(formatRoute(route));
      set({ route });
    },
    setRoute(route) {
      set({ route });
    },
    replaceRoute(route) {
      set({ route });
      opts.onReplace?.(formatRoute(route));
    },
    reportError(context, e) {
      const message = errorMessage(e);
      // One cause, one banner: a failure repeating (a poll) or the same failure of a sibling request (a bad scene id
      // fails the scene and its points alike) shows once, under the first thing it stopped.
      if (get().errors.some((b) => b.message === message)) return;
      const banner: Banner = { id: nextId++, context, message, at: now() };
      set({ errors: [...get().errors, banner].slice(-MAX_BANNERS) });
    },
    dismissError(id) {
      set({ errors: get().errors.filter((b) => b.id !== id) });
    },
    clearErrors() {
      set({ errors: [] });
    },
    startTask(label, total) {
      const id = nextId++;
      set({ tasks: [...get().tasks, { id, label, done: 0, total }] });
      return id;
    },
    updateTask(id, done, total) {
      set({ tasks: get().tasks.map((t) => (t.id === id ? { ...t, done, total: total ?? t.total } : t)) });
    },
    endTask(id) {
      set({ tasks: get().tasks.filter((t) => t.id !== id) });
    },
  }));
}
