import { useRuns } from '../../context.js';
import { formatScore } from '../../lib/format.js';
import { compareRows, configDiff, latestScores } from './runTable.js';

/** Side-by-side held-out scores (overall and per family) of the two runs ticked in the list. */
export function CompareRuns(): React.JSX.Element | null {
  const ids = useRuns((s) => s.compareIds);
  const details = useRuns((s) => s.compareDetails);
  const toggle = useRuns((s) => s.toggleCompare);
  if (ids.length === 0) return null;
  if (ids.length === 1) {
    return (
      <div className="panel compare" data-testid="compare">
        <p className="muted">Tick a second run to compare held-out scores side by side.</p>
      </div>
    );
  }
  const a = details[ids[0]!];
  const b = details[ids[1]!];
  if (!a || !b) {
    return (
      <div className="panel compare" data-testid="compare">
        <p className="muted">Loading the runs to compare…</p>
      </div>
    );
  }
  const rows = compareRows(a, b);
  const diff = configDiff(a.run, b.run);
  const ia = latestScores(a).round;
  const ib = latestScores(b).round;
  return (
    <div className="panel compare" data-testid="compare">
      <div className="panel-head">
        <h2>Compare</h2>
        <button type="button" className="link" onClick={() => ids.forEach((id) => void toggle(id))}>
          Clear
        </button>
      </div>
      <div className="compare-grid">
        <table className="table" data-testid="compare-table">
          <thead>
            <tr>
              <th scope="col">Held-out score</th>
              <th scope="col" className="num">
                {a.run.name}
                <div className="muted small">{a.run.mode}{ia !== null ? ` · it ${ia}` : ''}</div>
              </th>
              <th scope="col" className="num">
                {b.run.name}
                <div className="muted small">{b.run.mode}{ib !== null ? ` · it ${ib}` : ''}</div>
              </th>
              <th scope="col" className="num">
                Δ
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} className={r.key === '__overall' ? 'strong' : ''}>
                <th scope="row">{r.label}</th>
                <td className="num">{formatScore(r.a)}</td>
                <td className="num">{formatScore(r.b)}</td>
                <td className={`num ${r.delta === null ? '' : r.delta > 0 ? 'pos' : r.delta < 0 ? 'neg' : ''}`}>
                  {r.delta === null ? '—' : `${r.delta > 0 ? '+' : ''}${formatScore(r.delta)}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {diff.length > 0 && (
          <table className="table small">
            <thead>
              <tr>
                <th scope="col">Setting</th>
                <th scope="col">{a.run.name}</th>
                <th scope="col">{b.run.name}</th>
              </tr>
            </thead>
            <tbody>
              {diff.map((d) => (
                <tr key={d.key}>
                  <th scope="row">{d.key}</th>
                  <td className="mono">{d.a}</td>
                  <td className="mono">{d.b}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
