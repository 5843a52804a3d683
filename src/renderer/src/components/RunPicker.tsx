import { useId } from 'react';
import { useRuns } from '../context.js';

/** A select over the runs list (newest first). */
export function RunPicker(props: { value: string | null; onChange(runId: string | null): void; label?: string; allowNone?: boolean }): React.JSX.Element {
  const runs = useRuns((s) => s.runs);
  const id = useId();
  const { value, onChange, label = 'Run', allowNone = false } = props;
  const known = runs?.some((r) => r.id === value) ?? false;
  return (
    <label className="field-inline" htmlFor={id}>
      <span>{label}</span>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)} data-testid="run-picker">
        {(allowNone || !value) && <option value="">{runs && runs.length === 0 ? 'no runs yet' : allowNone ? 'none' : 'choose a run'}</option>}
        {value && !known && <option value={value}>{value}</option>}
        {(runs ?? []).map((r) => (
          <option key={r.id} value={r.id}>
            {r.name} · {r.mode} · {r.status}
          </option>
        ))}
      </select>
    </label>
  );
}
