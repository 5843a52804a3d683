/** Entry point: open the transport (IPC in Electron, HTTP + WebSocket in a browser), then mount the app. */
import { connect } from './transport/index.js';
import { mountApp, mountFailure, type MountedApp } from './mountApp.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const element: HTMLElement = root;

let mounted: MountedApp | null = null;
let lastStatus: boolean | null = null;

function onEventStatus(connected: boolean): void {
  lastStatus = connected;
  mounted?.stores.app.getState().setEventsConnected(connected);
}

function start(): void {
  connect({ onEventStatus }).then(
    (api) => {
      mounted = mountApp(api, element);
      if (lastStatus !== null) mounted.stores.app.getState().setEventsConnected(lastStatus);
    },
    (e: unknown) => mountFailure(element, e, start),
  );
}

start();
