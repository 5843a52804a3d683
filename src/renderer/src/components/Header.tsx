import { API_VERSION } from '../../../shared/api.js';
import { useApp, useRuns } from '../context.js';
import { NAV_ITEMS } from '../lib/route.js';
import { runFraction } from '../lib/runProgress.js';
import { plannedRounds } from '../views/runs/runTable.js';
import { EMPTY_LIVE } from '../state/runsStore.js';
import { ProgressBar } from './ProgressBar.js';

/** Header: workspace and host info, navigation, and progress of running runs and long tasks. */
export function Header(): React.JSX.Element {
  const info = useApp((s) => s.info);
  const infoError = useApp((s) => s.infoError);
  const route = useApp((s) => s.route);
  const tasks = useApp((s) => s.tasks);
  const eventsConnected = useApp((s) => s.eventsConnected);
  const runs = useRuns((s) => s.runs);
  const live = useRuns((s) => s.live);
  const active = (runs ?? []).filter((r) => r.status === 'running' || r.status === 'queued');
  return (
    <header className="app-header">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          ⟲
        </span>
        <span className="brand-name">Ouroboros Workbench</span>
      </div>
      <nav className="nav" aria-label="Views">
        {NAV_ITEMS.map((item) => (
          <a key={item.view} href={item.hash} className={route.view === item.view ? 'active' : ''} aria-current={route.view === item.view ? 'page' : undefined} data-testid={`nav-${item.view}`}>
            {item.label}
          </a>
        ))}
      </nav>
      <div className="host-info" data-testid="host-info">
        {info ? (
          <>
            <span title="workspace folder">{info.workspaceDir}</span>
            <span className="chip">{info.transport === 'ipc' ? 'desktop' : 'browser'}</span>
            <span className="chip" title="default execution provider for new runs">{info.defaultConfig.executionProvider.toUpperCase()}</span>
            {!info.writable && <span className="chip chip-warn">read-only</span>}
            {eventsConnected === false && (
              <span className="chip chip-warn" title="live progress is not arriving; the transport reconnects by itself">
                live updates offline
              </span>
            )}
            <span className="muted">v{info.appVersion}</span>
            {info.apiVersion !== API_VERSION && (
              <span className="chip chip-warn" title="the host speaks another API version; some views may fail">
                API {info.apiVersion} ≠ {API_VERSION}
              </span>
            )}
          </>
        ) : infoError ? (
          <span className="chip chip-warn">host unavailable</span>
        ) : (
          <span className="muted">connecting…</span>
        )}
      </div>
      {(active.length > 0 || tasks.length > 0) && (
        <div className="header-progress">
          {active.map((r) => {
            const l = live[r.id] ?? EMPTY_LIVE;
            const planned = plannedRounds(r.config);
            const frac = runFraction(r.roundsDone, planned, l.round !== null ? { round: l.round, stages: l.stages, progress: l.progress } : null);
            const stage = l.stage ? ` · it ${l.round} ${l.stage}` : '';
            return (
              <a key={r.id} href={`#/runs/${encodeURIComponent(r.id)}`} className="header-run">
                <ProgressBar value={r.status === 'queued' ? null : frac} label={`${r.name}${stage}`} />
              </a>
            );
          })}
          {tasks.map((t) => (
            <ProgressBar key={t.id} value={t.total > 0 ? t.done / t.total : null} label={t.label} />
          ))}
        </div>
      )}
    </header>
  );
}
