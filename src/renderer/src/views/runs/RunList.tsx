import { useApp, useRuns } from '../../context.js';
import { Empty } from '../../components/Empty.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { formatScore, formatTime } from '../../lib/format.js';
import { EMPTY_LIVE } from '../../state/runsStore.js';
import { runFraction } from '../../lib/runProgress.js';
import { canResume, canStop, configSummary, plannedRounds, seedsSummary } from './runTable.js';

export function StatusBadge({ status }: { status: string }): React.JSX.Element {
  return <span className={`status status-${status}`}>{status}</span>;
}

/** The runs table: status, mode, settings, seeds, provider, held-out score, rounds; stop/resume; compare. */
export function RunList(): React.JSX.Element {
  const runs = useRuns((s) => s.runs);
  const loading = useRuns((s) => s.loading);
  const live = useRuns((s) => s.live);
  const selectedId = useRuns((s) => s.selectedId);
  const compareIds = useRuns((s) => s.compareIds);
  const pending = useRuns((s) => s.pending);
  const refresh = useRuns((s) => s.refresh);
  const stop = useRuns((s) => s.stop);
  const resume = useRuns((s) => s.resume);
  const toggleCompare = useRuns((s) => s.toggleCompare);
  const navigate = useApp((s) => s.navigate);
  const writable = useApp((s) => s.info?.writable ?? true);

  return (
    <div className="panel">
      <div className="panel-head">
        <h2>Runs</h2>
        <span className="muted">{runs ? `${runs.length} run${runs.length === 1 ? '' : 's'}` : ''}</span>
        <button type="button" onClick={() => void refresh()} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {runs === null ? (
        <ProgressBar value={null} label="Loading runs" />
      ) : runs.length === 0 ? (
        <Empty title="No runs yet" testId="runs-empty">
          Start one with the form: the closed loop, or a no-feedback / static baseline to compare it with.
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="table runs-table">
            <thead>
              <tr>
                <th scope="col" title="choose two runs to compare">
                  Cmp
                </th>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Mode</th>
                <th scope="col">Settings</th>
                <th scope="col">Seeds</th>
                <th scope="col">Provider</th>
                <th scope="col" className="num">
                  Held-out
                </th>
                <th scope="col" className="num">
                  Rounds
                </th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => {
                const planned = plannedRounds(r.config);
                const l = live[r.id] ?? EMPTY_LIVE;
                const running = r.status === 'running';
                const frac = running ? runFraction(r.roundsDone, planned, l.round !== null ? { round: l.round, stages: l.stages, progress: l.progress } : null) : null;
                return (
                  <tr
                    key={r.id}
                    className={r.id === selectedId ? 'selected clickable' : 'clickable'}
                    data-testid="run-row"
                    data-run-id={r.id}
                    onClick={() => navigate({ view: 'runs', runId: r.id })}
                  >
                    <td onClick={(e) => e.stopPropagation()}>
                      <input
                        type="checkbox"
                        aria-label={`Compare ${r.name}`}
                        checked={compareIds.includes(r.id)}
                        onChange={() => void toggleCompare(r.id)}
                        data-testid="compare-toggle"
                      />
                    </td>
                    <td>
                      <a href={`#/runs/${encodeURIComponent(r.id)}`} onClick={(e) => e.stopPropagation()}>
                        {r.name}
                      </a>
                      {r.error && (
                        <div className="error-text" title={r.error}>
                          {r.error}
                        </div>
                      )}
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                      {running && <ProgressBar value={frac} label={`${r.name} progress`} small />}
                    </td>
                    <td>{r.mode}</td>
                    <td className="muted small">{configSummary(r.config)}</td>
                    <td className="mono small" title={seedsSummary(r.seeds)}>
                      {seedsSummary(r.seeds)}
                    </td>
                    <td className="small">
                      {r.provider}
                      {r.executionProvider && <div className="muted">{r.executionProvider}</div>}
                    </td>
                    <td className="num">{formatScore(r.heldoutScore)}</td>
                    <td className="num">
                      {r.roundsDone}
                      {planned !== null ? ` / ${planned}` : ''}
                    </td>
                    <td className="small">{formatTime(r.createdAt)}</td>
                    <td onClick={(e) => e.stopPropagation()} className="actions">
                      {canStop(r) && (
                        <button type="button" onClick={() => void stop(r.id)} disabled={!!pending[r.id] || !writable} data-testid="stop-run">
                          Stop
                        </button>
                      )}
                      {canResume(r) && (
                        <button type="button" onClick={() => void resume(r.id)} disabled={!!pending[r.id] || !writable} data-testid="resume-run">
                          Resume
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
