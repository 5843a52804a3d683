/**
 * Question context in the scene (`#/scene/<id>?qa=<id>`): the question, its options, ground truth, the solver's
 * latest prediction and ground-truth confidence beside the 3D view, which marks the question's reference and
 * candidate objects and draws what its program measures. Previous/Next (and [ / ]) step through the QA explorer's
 * current filtered list, reusing its loaded rows, without leaving the scene.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SceneDetail } from '../../../../shared/api.js';
import type { QaRecord } from '../../../../shared/records.js';
import type { OrientedBox, Vec3 } from '../../../../shared/scene.js';
import { useApp, useQa, useStores } from '../../context.js';
import { OptionList } from '../../components/OptionList.js';
import { formatAnswer } from '../../lib/answerFormat.js';
import { formatConfidence } from '../../lib/format.js';
import { objectRoles, questionRoles, type QuestionRole, type QuestionRolesResult } from '../../lib/questionRoles.js';
import { questionSceneRoute } from '../../lib/route.js';
import { offsetOfQa, questionRecord } from '../../state/qaStore.js';
import { questionMarks, type QuestionMarks } from './questionMarks.js';

export interface QuestionContext {
  record: QaRecord;
  roles: QuestionRolesResult;
  /** Role per object id of this scene version; empty when the roles could not be read. */
  byId: ReadonlyMap<number, QuestionRole>;
  /** Labels the question names that no object of this scene version carries. */
  missing: string[];
  marks: QuestionMarks | null;
  focus: { boxes: OrientedBox[]; points: Vec3[] };
}

/** Everything the scene needs to show a question, from its record and the scene version on screen. */
export function questionContext(record: QaRecord, detail: Pick<SceneDetail, 'objects' | 'trajectory'>): QuestionContext {
  const roles = questionRoles(record);
  if (!roles.ok) return { record, roles, byId: new Map(), missing: [], marks: null, focus: { boxes: [], points: [] } };
  const { byId, missing } = objectRoles(roles.roles, detail.objects);
  const marks = questionMarks(roles.roles, detail, record);
  const points: Vec3[] = [...marks.segments.flatMap((s) => [s.from, s.to]), ...marks.arrows.flatMap((a) => [a.from, a.to])];
  return { record, roles, byId, missing, marks, focus: { boxes: detail.objects.filter((o) => byId.has(o.id)).map((o) => o.box), points } };
}


/** Hook: the context of the route's question in the shown scene (null while either is loading or the scene is another). */
export function useQuestionContext(qaId: number | undefined, detail: SceneDetail | null): QuestionContext | null {
  const record = useQa((s) => (qaId === undefined ? null : questionRecord(s, qaId)));
  return useMemo(() => (record && detail && record.sceneId === detail.summary.id ? questionContext(record, detail) : null), [record, detail]);
}

export function QuestionPanel({ qaId, context }: { qaId: number; context: QuestionContext | null }): React.JSX.Element {
  const { qa, app } = useStores();
  const offset = useQa((s) => offsetOfQa(s, qaId));
  const total = useQa((s) => s.total);
  const detailLoading = useQa((s) => s.detailLoading);
  const navigate = useApp((s) => s.navigate);
  const [stepping, setStepping] = useState(false);
  const step = useCallback(
    async (delta: number): Promise<void> => {
      setStepping(true);
      try {
        const next = await qa.getState().neighbour(qaId, delta);
        // Stepping changes what the scene shows, not which view: the history entry is replaced, Back leaves.
        if (next) app.getState().replaceRoute(questionSceneRoute(next));
      } finally {
        setStepping(false);
      }
    },
    [qa, app, qaId],
  );
  const canPrev = offset !== null && offset > 0;
  const canNext = offset !== null && total !== null && offset + 1 < total;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable))) return;
      if (e.key === '[' && canPrev) void step(-1);
      else if (e.key === ']' && canNext) void step(1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step, canPrev, canNext]);

  const record = context?.record ?? null;
  const close = (): void => {
    const route = app.getState().route;
    if (route.view === 'scene') {
      const { qa: _q, ...rest } = route;
      app.getState().replaceRoute(rest);
    }
  };
  return (
    <aside className="question-overlay panel" data-testid="question-overlay" data-qa-id={qaId} aria-label={`Question ${qaId} in the scene`}>
      <div className="panel-head">
        <h3>QA {qaId}</h3>
        {record && <span className="muted small">{record.family}</span>}
        <span className="spacer" />
        <span className="muted small" data-testid="question-position" title="Place in the QA explorer's current filtered list">
          {offset !== null && total !== null ? `${offset + 1} / ${total}` : 'not in the loaded list'}
        </span>
        <button type="button" onClick={() => void step(-1)} disabled={!canPrev || stepping} title="Previous question of the QA explorer's list ([)" data-testid="question-prev">
          ‹ Prev
        </button>
        <button type="button" onClick={() => void step(1)} disabled={!canNext || stepping} title="Next question of the QA explorer's list (])" data-testid="question-next">
          Next ›
        </button>
        <button type="button" className="link" onClick={() => navigate({ view: 'qa', qaId })} title="This question in the QA explorer">
          in QA
        </button>
        <button type="button" className="link" onClick={close} aria-label="Close the question" data-testid="question-close">
          ✕
        </button>
      </div>
      {!record ? (
        <p className="muted">{detailLoading ? `Loading QA ${qaId}…` : `QA ${qaId} is not loaded in this scene.`}</p>
      ) : (
        <>
          <p className="question" data-testid="question-text">
            {record.question}
          </p>
          {record.options && <OptionList options={record.options} answer={record.answer} prediction={record.prediction} />}
          <dl className="facts">
            <dt>Ground truth</dt>
            <dd className="mono" data-testid="question-truth">
              {formatAnswer(record.family, record.answer)}
            </dd>
            <dt>Prediction</dt>
            <dd className="mono" data-testid="question-prediction" title={record.prediction ?? undefined}>
              {record.prediction === null ? 'not answered yet' : formatAnswer(record.family, record.prediction)}
            </dd>
            <dt title="the solver's probability of the ground-truth answer (buckets are cut from it); not its confidence in its own prediction">Ground-truth confidence</dt>
            <dd data-testid="question-confidence">
              {formatConfidence(record.confidence)} {record.bucket && <span className={`bucket bucket-${record.bucket}`}>{record.bucket}</span>}
            </dd>
          </dl>
          {context && <RoleLegend context={context} />}
        </>
      )}
    </aside>
  );
}

function RoleLegend({ context }: { context: QuestionContext }): React.JSX.Element {
  const { roles, missing, marks } = context;
  if (!roles.ok) return <p className="small error-text">{roles.error}</p>;
  const { reference, candidate } = roles.roles;
  return (
    <div className="question-roles small" data-testid="question-roles">
      {reference.length > 0 && (
        <div>
          <span className="swatch reference" /> reference: {reference.join(', ')}
        </div>
      )}
      {candidate.length > 0 && (
        <div>
          <span className="swatch candidate" /> {roles.roles.family === 'object_counting' ? 'counted' : 'candidates'}: {candidate.join(', ')}
        </div>
      )}
      {reference.length + candidate.length === 0 && <div className="muted">The question names no object.</div>}
      {marks?.angle && <div>direction to the target: {marks.angle.label} of facing</div>}
      {missing.length > 0 && <div className="error-text">{`Not in this scene version: ${missing.join(', ')}`}</div>}
      {marks?.note && <div className="muted">{marks.note}</div>}
    </div>
  );
}
