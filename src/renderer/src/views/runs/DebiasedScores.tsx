import type { RunDebias } from '../../../../shared/debiased.js';
import { visionBlindGaps } from '../../../../shared/debiased.js';
import { formatScore } from '../../lib/format.js';

/** A signed difference in score points, e.g. "+12.3", "−4.0"; "—" where a side is missing. */
function formatGap(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  const text = formatScore(Math.abs(v));
  return v > 0 ? `+${text}` : v < 0 ? `−${text}` : text;
}

/**
 * The held-out benchmark in two versions (full, and debiased: without the questions a blind model answers
 * confidently): the solver's and the blind model's scores on each, and the vision-minus-blind gap per family.
 */
export function DebiasedScores(props: { debias: RunDebias }): React.JSX.Element {
  const { debias } = props;
  if (!debias.solver) return <></>;
  const rows = visionBlindGaps(debias.solver, debias.blind);
  return (
    <details open data-testid="debiased-scores">
      <summary>
        Vision − blind: round {debias.solver.round}, full ({debias.questions.full} questions) and debiased ({debias.questions.debiased})
      </summary>
      <p className="muted small">
        Debiased version {debias.rule}. Gap = solver − blind, in score points; a gap that grows on the debiased version is vision the blind model cannot fake.
      </p>
      <div className="table-wrap">
        <table className="table" data-testid="gap-table">
          <thead>
            <tr>
              <th>Family</th>
              <th title="questions in the full / debiased version">n</th>
              <th>Solver</th>
              <th>Blind</th>
              <th>Gap</th>
              <th>Solver (debiased)</th>
              <th>Blind (debiased)</th>
              <th>Gap (debiased)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.family ?? 'overall'} data-testid="gap-row">
                <td>{r.family ?? 'overall'}</td>
                <td>
                  {r.n.full} / {r.n.debiased}
                </td>
                <td>{formatScore(r.solver.full)}</td>
                <td>{formatScore(r.blind.full)}</td>
                <td>{formatGap(r.gap.full)}</td>
                <td>{formatScore(r.solver.debiased)}</td>
                <td>{formatScore(r.blind.debiased)}</td>
                <td>{formatGap(r.gap.debiased)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {debias.solver.debiased === undefined && <p className="muted small">This run was scored before the debiased version was recorded: its solver columns there are empty.</p>}
    </details>
  );
}
