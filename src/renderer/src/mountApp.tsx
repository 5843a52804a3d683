/**
 * Mounts the workbench on an element for a given WorkbenchApi (whichever transport made it): creates the
 * stores, starts live updates and hash routing, renders the shell. The only DOM/React entry besides main.tsx.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { WorkbenchApi } from '../../shared/api.js';
import { App } from './App.js';
import { StoresContext } from './context.js';
import { errorMessage } from './lib/errors.js';
import { formatRoute, parseHash } from './lib/route.js';
import { createStores, startStores, type Stores } from './state/stores.js';
import './styles.css';

export interface MountedApp {
  stores: Stores;
  unmount(): void;
}

export function mountApp(api: WorkbenchApi, element: HTMLElement): MountedApp {
  const stores = createStores(api, {
    initialRoute: parseHash(window.location.hash),
    onNavigate(hash) {
      if (window.location.hash !== hash) window.location.hash = hash;
    },
    onReplace(hash) {
      // Keeps the entry's state (its scroll-memory key); fires no hashchange.
      if (window.location.hash !== hash) history.replaceState(history.state, '', hash);
    },
  });
  const onHash = (): void => {
    const route = parseHash(window.location.hash);
    // navigate() already set this route; only external changes (links, back/forward) need applying.
    if (formatRoute(route) !== formatRoute(stores.app.getState().route)) stores.app.getState().setRoute(route);
  };
  window.addEventListener('hashchange', onHash);
  const stop = startStores(stores);
  const root = createRoot(element);
  root.render(
    <StrictMode>
      <StoresContext.Provider value={stores}>
        <App />
      </StoresContext.Provider>
    </StrictMode>,
  );
  return {
    stores,
    unmount() {
      window.removeEventListener('hashchange', onHash);
      stop();
      root.unmount();
    },
  };
}

/** What the window shows when no transport could be opened. */
export function mountFailure(element: HTMLElement, e: unknown, retry: () => void): void {
  const root = createRoot(element);
  root.render(
    <StrictMode>
      <div className="fatal" role="alert" data-testid="error-banner">
        <h1>Ouroboros Workbench</h1>
        <p>Could not connect to the workbench host.</p>
        <pre>{errorMessage(e)}</pre>
        <button
          type="button"
          onClick={() => {
            root.unmount();
            retry();
          }}
        >
          Try again
        </button>
      </div>
    </StrictMode>,
  );
}
