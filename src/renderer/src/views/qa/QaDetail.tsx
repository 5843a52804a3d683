import { useApp, useQa, useStores } from '../../context.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { OptionList } from '../../components/OptionList.js';
import { formatAnswer } from '../../lib/answerFormat.js';
import { formatConfidence, formatMs, formatTime } from '../../lib/format.js';
import { latestOutput } from '../../lib/qaFilter.js';
import { questionSceneRoute } from '../../lib/route.js';

/** What the stored confidence is, told apart from the probability of the solver's own answer. */
const GROUND_TRUTH_CONFIDENCE = "the solver's probability of the ground-truth answer (buckets are cut from it); not its confidence in its own prediction";

function json(v: unknown): string {
  try {
    return JSON.stringify(v, null, 2) ?? String(v);
  } catch {
    return String(v);
  }
}

/** The selected QA: question, answer, program and args, re-run, filter verdicts, solver outputs, scene link. */
export function QaDetailPanel(): React.JSX.Element | null {
  const { qa } = useStores();
  const selectedId = useQa((s) => s.selectedId);
  const detail = useQa((s) => s.detail);
  const loading = useQa((s) => s.detailLoading);
  const rerun = useQa((s) => s.rerunResult);
  const rerunning = useQa((s) => s.rerunning);
  const navigate = useApp((s) => s.navigate);
  if (selectedId === null) return null;
  if (!detail || detail.qa.id !== selectedId) {
    return (
      <aside className="panel qa-detail" data-testid="qa-detail" aria-label="Question detail">
        {loading ? <ProgressBar value={null} label={`Loading QA ${selectedId}`} /> : <p className="muted">QA {selectedId} could not be loaded.</p>}
      </aside>
    );
  }
  const q = detail.qa;
  const latest = latestOutput(detail.outputs);
  const outputs = [...detail.outputs].sort((a, b) => b.round - a.round || b.id - a.id);
  return (
    <aside className="panel qa-detail" data-testid="qa-detail" aria-label="Question detail">
      <div className="panel-head">
        <h2>QA {q.id}</h2>
        <span className={q.verdict === 'accepted' ? 'status status-completed' : 'status status-failed'}>{q.verdict}</span>
        <span className="spacer" />
        <button
          type="button"
          onClick={() => navigate(questionSceneRoute(q))}
          data-testid="open-in-scene"
          title={[detail.objectIds.length > 0 ? `highlights objects ${detail.objectIds.join(', ')}` : 'the question names no single object', ...(q.frame !== null ? [`at frame ${q.frame + 1}`] : []), 'with the question beside the scene: [ and ] step through this list'].join(', ')}
        >
          Open in scene
        </button>
        <button type="button" className="link" onClick={() => void qa.getState().select(null)} aria-label="Close detail">
          ✕
        </button>
      </div>
      <p className="question">{q.question}</p>
      {q.options && <OptionList options={q.options} answer={q.answer} prediction={latest?.prediction} />}
      <dl className="facts">
        <dt>Ground truth</dt>
        <dd className="mono" title={q.answer === null ? undefined : String(q.answer)}>
          {formatAnswer(q.family, q.answer)}
        </dd>
        <dt>Program result</dt>
        <dd className="mono">{json(q.programResult)}</dd>
        <dt>Prediction</dt>
        <dd className="mono" title={latest?.prediction}>
          {latest ? formatAnswer(q.family, latest.prediction) : 'not answered yet'}
        </dd>
        <dt title={GROUND_TRUTH_CONFIDENCE}>Ground-truth confidence</dt>
        <dd>
          {formatConfidence(q.confidence)} {q.bucket && <span className={`bucket bucket-${q.bucket}`}>{q.bucket}</span>}
        </dd>
        <dt>Family</dt>
        <dd>
          {q.family} · bin {q.bin}
        </dd>
        <dt className="id-fact">Scene</dt>
        <dd className="mono id-fact" title={q.sceneId} data-testid="qa-scene-id">
          {q.sceneId}
        </dd>
        <dt>Round</dt>
        <dd>
          proposed in {q.round}
          {q.trainedRound !== null ? `, trained on in ${q.trainedRound}` : ', not trained on'}
        </dd>
        <dt className="id-fact">Proposal</dt>
        <dd className="mono small id-fact" title={`${q.proposalId} · ${q.proposer} · seed ${q.seed}`} data-testid="qa-proposal-id">
          {q.proposalId} · {q.proposer} · seed {q.seed}
        </dd>
        {q.rejectedBy && (
          <>
            <dt>Rejected by</dt>
            <dd className="error-text">
              {q.rejectedBy}
              {q.reason ? `: ${q.reason}` : ''}
            </dd>
          </>
        )}
      </dl>
      <h3>Program</h3>
      <pre className="code program" data-testid="qa-program">
        {q.program}
      </pre>
      <h3>Arguments and difficulty</h3>
      <pre className="code small">{json({ ...(q.args ? { args: q.args } : {}), named: q.named, ...(q.frame !== null ? { frame: q.frame } : {}), difficulty: q.difficulty })}</pre>
      <div className="rerun">
        <button type="button" onClick={() => void qa.getState().rerun()} disabled={rerunning} data-testid="rerun-program">
          {rerunning ? 'Running…' : 'Re-run program'}
        </button>
        {rerun && (
          <div className={`rerun-result ${rerun.ok && rerun.matchesStored ? 'ok' : 'bad'}`} data-testid="rerun-result" role="status">
            <strong>{rerun.ok ? (rerun.matchesStored ? 'Matches the stored result' : 'Differs from the stored result') : 'Program failed'}</strong>
            <span className="muted"> · {formatMs(rerun.ms)}</span>
            {rerun.ok ? <pre className="code small">{json(rerun.value)}</pre> : <pre className="code small error-text">{rerun.error ?? 'no message'}</pre>}
          </div>
        )}
      </div>
      <h3>Filter verdicts</h3>
      {q.filterVerdicts.length === 0 ? (
        <p className="muted">none recorded</p>
      ) : (
        <table className="table small">
          <thead>
            <tr>
              <th scope="col">Filter</th>
              <th scope="col">Passed</th>
              <th scope="col" className="num">
                Value
              </th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {q.filterVerdicts.map((v, i) => (
              <tr key={`${v.filter}-${i}`}>
                <td>{v.filter}</td>
                <td className={v.passed ? 'ok-text' : 'error-text'}>{v.passed ? '✓ passed' : '✗ failed'}</td>
                <td className="num">{v.value === undefined ? '—' : Number.isInteger(v.value) ? v.value : v.value.toFixed(3)}</td>
                <td className="small">{v.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Solver outputs</h3>
      {outputs.length === 0 ? (
        <p className="muted">not answered yet</p>
      ) : (
        <table className="table small">
          <thead>
            <tr>
              <th scope="col" className="num">
                Round
              </th>
              <th scope="col">Checkpoint</th>
              <th scope="col">Prediction</th>
              <th scope="col" className="num" title={GROUND_TRUTH_CONFIDENCE}>
                GT conf.
              </th>
              <th scope="col">Bucket</th>
              <th scope="col">Token probs</th>
              <th scope="col">At</th>
            </tr>
          </thead>
          <tbody>
            {outputs.map((o) => (
              <tr key={o.id}>
                <td className="num">{o.round}</td>
                <td>{o.checkpointId ?? 'base'}</td>
                <td className="mono" title={o.prediction}>
                  {formatAnswer(q.family, o.prediction)}
                </td>
                <td className="num" title={o.confidenceMethod ? `obtained as ${o.confidenceMethod}` : undefined}>
                  {formatConfidence(o.confidence)}
                </td>
                <td>
                  <span className={`bucket bucket-${o.bucket}`}>{o.bucket}</span>
                </td>
                <td className="mono small">{o.answerTokenProbs.map((p) => p.toFixed(2)).join(' ')}</td>
                <td className="small">{formatTime(o.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </aside>
  );
}
