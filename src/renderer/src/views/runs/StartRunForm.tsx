import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { LoopConfig } from '../../../../shared/loop.js';
import { useApp, useRuns } from '../../context.js';
import { configToForm, fieldOptions, firstErrorKey, validateForm, visibleFields, type FieldSpec, type FormErrors, type FormKey, type FormValues } from './configForm.js';

function Field(props: { spec: FieldSpec; value: string; error: string | undefined; onChange(v: string): void; onBlur(): void }): React.JSX.Element {
  const { spec, value, error, onChange, onBlur } = props;
  const id = useId();
  const errId = `${id}-err`;
  const common = {
    id,
    name: spec.key,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errId : undefined,
    onBlur,
    'data-testid': `field-${spec.key}`,
  } as const;
  let input: React.JSX.Element;
  if (spec.kind === 'select') {
    input = (
      <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
        {fieldOptions(spec, value).map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (spec.kind === 'scenes') {
    input = <textarea {...common} rows={2} value={value} onChange={(e) => onChange(e.target.value)} spellCheck={false} />;
  } else {
    input = (
      <input {...common} type="text" inputMode={spec.kind === 'url' ? 'url' : spec.kind === 'int' || spec.kind === 'number' || spec.kind === 'fraction' ? 'decimal' : 'text'} value={value} onChange={(e) => onChange(e.target.value)} spellCheck={false} autoComplete="off" />
    );
  }
  return (
    <div className={`form-field${error ? ' has-error' : ''}`}>
      <label htmlFor={id} title={spec.help}>
        {spec.label}
      </label>
      {input}
      {error ? (
        <div className="field-error" id={errId} role="alert">
          {error}
        </div>
      ) : (
        <div className="field-help">{spec.help}</div>
      )}
    </div>
  );
}

/**
 * The start-run form, prefilled from the host's default config and validated before `startRun`. A clone (the runs
 * store's `draft`) refills it with that run's settings; settings the form does not show then come from that run too.
 */
export function StartRunForm(): React.JSX.Element {
  const info = useApp((s) => s.info);
  const navigate = useApp((s) => s.navigate);
  const start = useRuns((s) => s.start);
  const starting = useRuns((s) => s.starting);
  const draft = useRuns((s) => s.draft);
  const clearDraft = useRuns((s) => s.clearDraft);
  const runName = useRuns((s) => (s.draft ? (s.runs?.find((r) => r.id === s.draft!.fromRunId)?.name ?? s.draft.fromRunId) : null));
  // null: the host's defaults, untouched. Kept in the runs store, so edits survive switching views.
  const edited = useRuns((s) => s.startFormEdits) as FormValues | null;
  const setValues = useRuns((s) => s.setStartFormEdits);
  const [errors, setErrors] = useState<FormErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const [touched, setTouched] = useState<Partial<Record<FormKey, boolean>>>({});
  // What fields the form does not show are taken from: the host's defaults, or the cloned run's settings.
  const [base, setBase] = useState<LoopConfig | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const defaults = useMemo(() => (info ? configToForm(info.defaultConfig) : null), [info]);
  const values = edited ?? defaults;

  useEffect(() => {
    if (!draft) return;
    setValues(configToForm(draft.config));
    setBase(draft.config);
    setErrors({});
    setTouched({});
    setSubmitted(false);
    formRef.current?.scrollIntoView?.({ block: 'nearest' });
    formRef.current?.querySelector<HTMLInputElement>('[name="name"]')?.focus();
  }, [draft]);

  if (!info || !values) {
    return (
      <div className="panel">
        <h2>Start a run</h2>
        <p className="muted">Waiting for the host’s default settings…</p>
      </div>
    );
  }

  const revalidate = (next: FormValues): void => {
    const r = validateForm(next, base ?? info?.defaultConfig);
    setErrors(r.ok ? {} : r.errors);
  };

  const onChange = (key: FormKey, v: string): void => {
    const next = { ...values, [key]: v };
    setValues(next);
    if (submitted || touched[key]) revalidate(next);
  };

  const onSubmit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    setSubmitted(true);
    const r = validateForm(values, base ?? info.defaultConfig);
    if (!r.ok) {
      setErrors(r.errors);
      // Take the user to the first problem: in a long form it may be far above or below the button.
      const key = firstErrorKey(r.errors);
      const el = key ? formRef.current?.querySelector<HTMLElement>(`[name="${key}"]`) : null;
      el?.scrollIntoView?.({ block: 'center' });
      el?.focus();
      return;
    }
    setErrors({});
    const runId = await start(r.config);
    if (runId) {
      if (draft) clearDraft();
      setValues(null);
      navigate({ view: 'runs', runId });
    }
  };

  const shown = (key: FormKey): string | undefined => (submitted || touched[key] ? errors[key] : undefined);
  const errorCount = Object.keys(errors).length;

  return (
    <form ref={formRef} className="panel start-form" onSubmit={(e) => void onSubmit(e)} noValidate data-testid="start-run-form" aria-label="Start a run">
      <div className="panel-head">
        <h2>Start a run</h2>
        <button
          type="button"
          className="link"
          onClick={() => {
            setValues(null);
            setBase(null);
            setErrors({});
            setTouched({});
            setSubmitted(false);
            clearDraft();
          }}
        >
          Reset
        </button>
      </div>
      {draft && (
        <p className="muted small" data-testid="clone-note">
          The settings of run &quot;{runName}&quot;: change what the new run should do differently, then start it.
        </p>
      )}
      {!info.writable && <p className="warn-text">This workspace is open read-only: runs cannot be started here.</p>}
      <div className="form-grid">
        {visibleFields(values.mode).map((spec) => (
          <Field
            key={spec.key}
            spec={spec}
            value={values[spec.key]}
            error={shown(spec.key)}
            onChange={(v) => onChange(spec.key, v)}
            onBlur={() => {
              setTouched((t) => ({ ...t, [spec.key]: true }));
              revalidate(values);
            }}
          />
        ))}
      </div>
      {submitted && errorCount > 0 && (
        <p className="error-text" role="alert">
          Fix {errorCount} field{errorCount === 1 ? '' : 's'} before starting.
        </p>
      )}
      <button type="submit" className="primary" disabled={starting || !info.writable} data-testid="start-run">
        {starting ? 'Starting…' : 'Start run'}
      </button>
    </form>
  );
}
