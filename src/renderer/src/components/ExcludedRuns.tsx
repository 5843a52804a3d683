/** The runs a comparison left out, each with why: folded under a count, so a silent drop never happens. */
export function ExcludedRuns(props: { excluded: readonly { runId: string; name: string; reason: string }[]; testId: string }): React.JSX.Element | null {
  const { excluded } = props;
  if (excluded.length === 0) return null;
  return (
    <details className="small" data-testid={props.testId}>
      <summary className="muted">
        {excluded.length} run{excluded.length === 1 ? '' : 's'} not counted
      </summary>
      <ul>
        {excluded.map((x) => (
          <li key={x.runId}>
            {x.name} <span className="muted">({x.runId})</span>: {x.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}
