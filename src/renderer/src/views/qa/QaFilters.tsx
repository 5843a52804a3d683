import { useEffect, useId, useState } from 'react';
import { FAMILIES } from '../../../../shared/proposer.js';
import { useQa, useRuns, useScene, useStores } from '../../context.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { RunPicker } from '../../components/RunPicker.js';
import { downloadText } from '../../lib/download.js';
import { formatCount } from '../../lib/format.js';
import type { ExportFormat } from '../../lib/qaExport.js';
import { filterChips, type QaFilter } from '../../lib/qaFilter.js';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function NumberFilter(props: { label: string; value: number | undefined; onChange(v: number | undefined): void; max?: number }): React.JSX.Element {
  const id = useId();
  const [text, setText] = useState(props.value === undefined ? '' : String(props.value));
  useEffect(() => setText(props.value === undefined ? '' : String(props.value)), [props.value]);
  const invalid = text.trim() !== '' && !/^\d+$/.test(text.trim());
  return (
    <label className="field-inline" htmlFor={id}>
      <span>{props.label}</span>
      <input
        id={id}
        className="narrow"
        type="text"
        inputMode="numeric"
        value={text}
        aria-invalid={invalid || undefined}
        placeholder="any"
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          if (t.trim() === '') props.onChange(undefined);
          else if (/^\d+$/.test(t.trim())) props.onChange(Number(t.trim()));
        }}
      />
    </label>
  );
}

/** Filters, sort, grouping and export of the QA explorer. */
export function QaFilters(): React.JSX.Element {
  const { qa, scene } = useStores();
  const filter = useQa((s) => s.filter);
  const total = useQa((s) => s.total);
  const loading = useQa((s) => s.loading);
  const grouping = useQa((s) => s.grouping);
  const exporting = useQa((s) => s.exporting);
  const setFilter = useQa((s) => s.setFilter);
  const setGrouping = useQa((s) => s.setGrouping);
  const runs = useRuns((s) => s.runs);
  const scenes = useScene((s) => s.scenes);
  const [search, setSearch] = useState(filter.search ?? '');
  const debounced = useDebounced(search, 300);
  const ids = { family: useId(), bucket: useId(), verdict: useId(), scene: useId(), search: useId(), scenesList: useId() };

  useEffect(() => {
    if ((debounced.trim() || undefined) !== (qa.getState().filter.search?.trim() || undefined)) qa.getState().setFilter({ search: debounced });
  }, [debounced, qa]);
  useEffect(() => setSearch(filter.search ?? ''), [filter.search]);
  useEffect(() => {
    const s = scene.getState();
    if (!s.scenes && !s.scenesLoading) void s.loadScenes();
  }, [scene]);

  const run = runs?.find((r) => r.id === filter.runId);
  const chips = filterChips(filter);
  const set = (patch: Partial<QaFilter>): void => setFilter(patch);

  const doExport = async (format: ExportFormat): Promise<void> => {
    const file = await qa.getState().exportAll(format);
    if (file) downloadText(file.filename, file.content, file.mime);
  };

  return (
    <div className="panel qa-filters" role="search" aria-label="QA filters">
      <div className="filter-row">
        <RunPicker value={filter.runId} onChange={(runId) => setFilter({ runId }, true)} />
        <NumberFilter label="Round" value={filter.round} onChange={(round) => set({ round })} />
        <label className="field-inline" htmlFor={ids.family}>
          <span>Family</span>
          <select id={ids.family} value={filter.family ?? ''} onChange={(e) => set({ family: e.target.value || undefined })} data-testid="filter-family">
            <option value="">all</option>
            {[...FAMILIES, ...(filter.family && !(FAMILIES as readonly string[]).includes(filter.family) ? [filter.family] : [])].map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline" htmlFor={ids.bucket}>
          <span>Bucket</span>
          <select id={ids.bucket} value={filter.bucket ?? ''} onChange={(e) => set({ bucket: (e.target.value || undefined) as QaFilter['bucket'] })} data-testid="filter-bucket">
            <option value="">all</option>
            <option value="easy">easy</option>
            <option value="frontier">frontier</option>
            <option value="hard">hard</option>
          </select>
        </label>
        <label className="field-inline" htmlFor={ids.verdict}>
          <span>Verdict</span>
          <select id={ids.verdict} value={filter.verdict ?? ''} onChange={(e) => set({ verdict: (e.target.value || undefined) as QaFilter['verdict'] })} data-testid="filter-verdict">
            <option value="">all</option>
            <option value="accepted">accepted</option>
            <option value="rejected">rejected</option>
          </select>
        </label>
        <NumberFilter label="Bin" value={filter.bin} onChange={(bin) => set({ bin })} />
        <label className="field-inline" htmlFor={ids.scene}>
          <span>Scene</span>
          <input
            id={ids.scene}
            type="text"
            list={ids.scenesList}
            value={filter.sceneId ?? ''}
            placeholder="any"
            onChange={(e) => set({ sceneId: e.target.value.trim() || undefined })}
            data-testid="filter-scene"
          />
          <datalist id={ids.scenesList}>
            {(scenes ?? []).slice(0, 2000).map((s) => (
              <option key={s.id} value={s.id} />
            ))}
          </datalist>
        </label>
        <label className="field-inline grow" htmlFor={ids.search}>
          <span>Search</span>
          <input id={ids.search} type="search" value={search} placeholder="words in the question" onChange={(e) => setSearch(e.target.value)} data-testid="filter-search" />
        </label>
      </div>
      <div className="filter-row">
        <span className="muted" data-testid="qa-total" aria-live="polite">
          {total === null ? (loading ? 'Loading…' : '') : `${formatCount(total)} question${total === 1 ? '' : 's'}`}
          {run ? ` in ${run.name}` : ''}
        </span>
        {chips.map((c) => (
          <button key={c.key} type="button" className="chip chip-button" onClick={() => set({ [c.key]: undefined })} aria-label={`Remove filter ${c.label}`}>
            {c.label} ×
          </button>
        ))}
        {chips.length > 0 && (
          <button type="button" className="link" onClick={() => setFilter({}, true)}>
            Clear filters
          </button>
        )}
        <span className="spacer" />
        <label className="check">
          <input type="checkbox" checked={grouping} onChange={(e) => setGrouping(e.target.checked)} data-testid="group-by-family" /> Group by family
        </label>
        <button type="button" onClick={() => void doExport('csv')} disabled={!!exporting || !total} data-testid="export-csv">
          Export CSV
        </button>
        <button type="button" onClick={() => void doExport('jsonl')} disabled={!!exporting || !total} data-testid="export-jsonl">
          Export JSONL
        </button>
      </div>
      {exporting && (
        <div className="filter-row">
          <ProgressBar
            value={exporting.total > 0 ? exporting.done / exporting.total : null}
            label={`Exporting ${exporting.format.toUpperCase()}: ${formatCount(exporting.done)} / ${formatCount(exporting.total)} rows`}
          />
          <button type="button" onClick={() => qa.getState().cancelExport()}>
            Cancel
          </button>
        </div>
      )}
    </div>
  );
}
