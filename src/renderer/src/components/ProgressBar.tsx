/** A progress bar: determinate for a fraction in [0, 1], indeterminate for null. */
export function ProgressBar(props: { value: number | null; label: string; detail?: string; testId?: string; small?: boolean }): React.JSX.Element {
  const { value, label, detail, testId = 'progress', small = false } = props;
  const pct = value === null ? null : Math.round(Math.max(0, Math.min(1, value)) * 1000) / 10;
  return (
    <div className={`progress${small ? ' progress-small' : ''}`} data-testid={testId}>
      <div
        className={`progress-track${pct === null ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(pct !== null ? { 'aria-valuenow': pct } : {})}
      >
        <div className="progress-fill" style={pct === null ? undefined : { width: `${pct}%` }} />
      </div>
      {!small && (
        <div className="progress-text">
          <span>{label}</span>
          <span>{detail ?? (pct === null ? '' : `${pct.toFixed(pct < 10 ? 1 : 0)}%`)}</span>
        </div>
      )}
    </div>
  );
}
