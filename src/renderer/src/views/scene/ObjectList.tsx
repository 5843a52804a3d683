import { useMemo, useState } from 'react';
import type { SceneDetail } from '../../../../shared/api.js';
import { useScene, useStores } from '../../context.js';
import { rampColor, rgbCss } from '../../lib/colorScale.js';

/** The scene's objects: click to select, tick to highlight; per-object confidence when computed. */
export function ObjectList({ detail }: { detail: SceneDetail }): React.JSX.Element {
  const { scene } = useStores();
  const highlight = useScene((s) => s.highlight);
  const selected = useScene((s) => s.selectedObject);
  const confidence = useScene((s) => s.objectConfidence);
  const [query, setQuery] = useState('');
  const objects = useMemo(() => {
    const q = query.trim().toLowerCase();
    return [...detail.objects].filter((o) => !q || o.label.toLowerCase().includes(q) || String(o.id) === q).sort((a, b) => a.label.localeCompare(b.label) || a.id - b.id);
  }, [detail, query]);
  const hl = new Set(highlight);
  const st = scene.getState();
  return (
    <div className="object-list">
      <div className="panel-head">
        <h3>Objects ({detail.objects.length})</h3>
        {highlight.length > 0 && (
          <button type="button" className="link" onClick={() => st.setHighlight([])}>
            Clear highlight
          </button>
        )}
      </div>
      <input type="search" placeholder="filter objects" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Filter objects" />
      <ul>
        {objects.map((o) => {
          const c = confidence?.get(o.id);
          return (
            <li key={o.id} className={`${o.id === selected ? 'selected ' : ''}${hl.has(o.id) ? 'highlighted' : ''}`}>
              <input
                type="checkbox"
                checked={hl.has(o.id)}
                aria-label={`Highlight ${o.label} ${o.id}`}
                onChange={() => st.setHighlight(hl.has(o.id) ? highlight.filter((x) => x !== o.id) : [...highlight, o.id])}
              />
              <button type="button" className="link" onClick={() => st.selectObject(o.id === selected ? null : o.id)}>
                {o.label} <span className="muted">#{o.id}</span>
              </button>
              {c && (
                <span className="conf" title={`mean confidence of ${c.n} answered question${c.n === 1 ? '' : 's'} naming it`}>
                  <span className="swatch" style={{ background: rgbCss(rampColor('confidence', c.mean)) }} aria-hidden="true" />
                  {c.mean.toFixed(2)}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
