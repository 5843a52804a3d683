import { useEffect, useMemo, useState } from 'react';
import { useApp, useScene, useStores } from '../../context.js';
import { Empty } from '../../components/Empty.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { RunPicker } from '../../components/RunPicker.js';
import { COLOR_MODES } from '../../lib/colorMode.js';
import { legendStops, linearScale } from '../../lib/colorScale.js';
import type { NoConfidence } from '../../lib/confidenceEmpty.js';
import { formatCount, formatMs } from '../../lib/format.js';
import { FramePanel } from './FramePanel.js';
import { BUDGET_PRESETS, budgetToSlider, MOVING_POINT_BUDGET, sliderToBudget, suggestedPointSize } from './lod.js';
import { ObjectList } from './ObjectList.js';
import { QuestionPanel, useQuestionContext } from './QuestionPanel.js';
import { SceneCanvas } from './SceneCanvas.js';

function ScenePicker(): React.JSX.Element {
  const scenes = useScene((s) => s.scenes);
  const loading = useScene((s) => s.scenesLoading);
  const sceneId = useScene((s) => s.sceneId);
  const navigate = useApp((s) => s.navigate);
  const [query, setQuery] = useState('');
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (scenes ?? []).filter((s) => !q || s.id.toLowerCase().includes(q) || s.dataset.toLowerCase().includes(q));
  }, [scenes, query]);
  if (scenes === null) return <ProgressBar value={null} label={loading ? 'Loading scenes' : 'Scenes'} />;
  if (scenes.length === 0) return <Empty title="No scenes in this workspace">Import some: npm run scenes -- import synthetic:8</Empty>;
  return (
    <div className="scene-picker">
      <input type="search" placeholder={`filter ${scenes.length} scenes`} value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Filter scenes" />
      <ul className="scene-list" data-testid="scene-list">
        {matches.slice(0, 300).map((s) => (
          <li key={s.id}>
            <button type="button" className={s.id === sceneId ? 'link active' : 'link'} onClick={() => navigate({ view: 'scene', sceneId: s.id })} title={`${s.objectCount} objects · ${formatCount(s.pointCount)} points · ${s.frameCount} frames`}>
              {s.id}
            </button>
            {s.evalScene === true && (
              <span className="chip chip-warn" data-testid="eval-scene" title="one of VSI-Bench's evaluation scenes: training on it contaminates a VSI-Bench score">
                VSI-Bench eval
              </span>
            )}
          </li>
        ))}
        {matches.length > 300 && <li className="muted small">… {matches.length - 300} more: narrow the filter</li>}
      </ul>
    </div>
  );
}

function BudgetControl(): React.JSX.Element {
  const { scene } = useStores();
  const budget = useScene((s) => s.budget);
  const [pos, setPos] = useState(budgetToSlider(budget));
  useEffect(() => setPos(budgetToSlider(budget)), [budget]);
  const commit = (): void => void scene.getState().setBudget(sliderToBudget(pos));
  return (
    <div className="control">
      <label htmlFor="budget">
        Point budget <strong>{formatCount(sliderToBudget(pos))}</strong>
      </label>
      <input
        id="budget"
        type="range"
        min={0}
        max={1000}
        value={pos}
        onChange={(e) => setPos(Number(e.target.value))}
        onPointerUp={commit}
        onKeyUp={commit}
        onBlur={() => {
          if (sliderToBudget(pos) !== budget) commit();
        }}
        data-testid="budget-slider"
      />
      <div className="presets">
        {BUDGET_PRESETS.map((b) => (
          <button key={b} type="button" className={b === budget ? 'chip chip-button active' : 'chip chip-button'} onClick={() => void scene.getState().setBudget(b)}>
            {formatCount(b)}
          </button>
        ))}
      </div>
    </div>
  );
}

/** Why no point has a confidence colour, and where to look instead. */
function NoConfidenceNote({ why }: { why: NoConfidence }): React.JSX.Element {
  const { curves } = useStores();
  const navigate = useApp((s) => s.navigate);
  const run = `“${why.runName}”`;
  const toCurves = (): void => {
    if (!curves.getState().runIds.includes(why.runId)) curves.getState().toggleRun(why.runId);
    navigate({ view: 'curves' });
  };
  return (
    <div className="small note" data-testid="confidence-empty" data-reason={why.reason}>
      {why.reason === 'heldout' ? (
        <p>
          <strong>{`This scene is held out in run ${run}.`}</strong> Its questions are the run’s benchmark questions, scored each round in{' '}
          <button type="button" className="link" onClick={toCurves}>
            Curves
          </button>
          , not answered by the loop, so nothing colours its objects. Pick a training scene or another run.
        </p>
      ) : why.reason === 'not-in-run' ? (
        <p>
          <strong>{`Run ${run} does not use this scene`}</strong>, so none of its questions are about it. Pick one of the run’s training scenes or another run.
        </p>
      ) : (
        <p>
          <strong>{`Run ${run} trains on this scene but has answered no question naming its objects yet.`}</strong> Confidences appear once its questions are
          answered; or pick another run.
        </p>
      )}
      {why.reason !== 'none-answered' && why.trainScenes.length > 0 && (
        <div className="presets">
          {why.trainScenes.map((id) => (
            <button key={id} type="button" className="chip chip-button" onClick={() => navigate({ view: 'scene', sceneId: id })} data-testid="confidence-train-scene">
              {id}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function ConfidenceLegend(): React.JSX.Element {
  const questions = useScene((s) => s.confidenceQuestions);
  const loading = useScene((s) => s.confidenceLoading);
  const noConfidence = useScene((s) => s.noConfidence);
  const stops = legendStops(linearScale([0, 1], 'confidence'), 5);
  return (
    <div className="confidence-legend">
      {loading ? (
        <ProgressBar value={null} label="Collecting confidences" />
      ) : (
        <>
          <div className="gradient" style={{ background: `linear-gradient(to right, ${stops.map((s) => s.color).join(', ')})` }} />
          <div className="gradient-labels small muted">
            <span>0 hard</span>
            <span>frontier</span>
            <span>easy 1</span>
          </div>
          {noConfidence ? (
            <NoConfidenceNote why={noConfidence} />
          ) : (
            <div className="small muted" data-testid="confidence-questions">
              {questions} answered questions name objects; grey: none.
            </div>
          )}
        </>
      )}
    </div>
  );
}

/** Scene view: the 3D viewer with its controls, the object list, and the trajectory's frames. */
export function SceneView(): React.JSX.Element {
  const { scene } = useStores();
  const sceneId = useScene((s) => s.sceneId);
  const detail = useScene((s) => s.detail);
  const detailLoading = useScene((s) => s.detailLoading);
  const points = useScene((s) => s.points);
  const pointsLoading = useScene((s) => s.pointsLoading);
  const pointsMs = useScene((s) => s.pointsMs);
  const colorMode = useScene((s) => s.colorMode);
  const highlight = useScene((s) => s.highlight);
  const selected = useScene((s) => s.selectedObject);
  const confidence = useScene((s) => s.objectConfidence);
  const confidenceRunId = useScene((s) => s.confidenceRunId);
  const frame = useScene((s) => s.frame);
  const [showBoxes, setShowBoxes] = useState(true);
  const [showLabels, setShowLabels] = useState(true);
  const [showTrajectory, setShowTrajectory] = useState(true);
  const [showGrid, setShowGrid] = useState(true);
  const [showAxes, setShowAxes] = useState(true);
  const [reduceWhileMoving, setReduceWhileMoving] = useState(true);
  const [sizeScale, setSizeScale] = useState(1);
  const route = useApp((s) => s.route);
  const qaId = route.view === 'scene' ? route.qa : undefined;
  const question = useQuestionContext(qaId, detail);
  const st = scene.getState();
  const autoSize = suggestedPointSize(points?.count ?? 0, detail?.room.area ?? 20);
  const selectedObject = detail?.objects.find((o) => o.id === selected) ?? null;

  return (
    <section className="view scene-view" aria-label="Scene" data-testid="scene-view">
      <aside className="panel scene-side">
        <h2>Scenes</h2>
        <ScenePicker />
        {detail && (
          <>
            <h3>Display</h3>
            <BudgetControl />
            <div className="control" role="radiogroup" aria-label="Colour points by">
              <span>Colour by</span>
              <div className="segmented">
                {COLOR_MODES.map((m) => (
                  <button key={m.mode} type="button" role="radio" aria-checked={colorMode === m.mode} className={colorMode === m.mode ? 'active' : ''} onClick={() => st.setColorMode(m.mode)} data-testid={`color-${m.mode}`}>
                    {m.label}
                  </button>
                ))}
              </div>
            </div>
            {colorMode === 'confidence' && (
              <div className="control">
                <RunPicker value={confidenceRunId} onChange={(id) => void st.setConfidenceRun(id)} label="Confidence of run" />
                <ConfidenceLegend />
              </div>
            )}
            <div className="control">
              <label htmlFor="pointsize">Point size ×{sizeScale.toFixed(1)}</label>
              <input id="pointsize" type="range" min={0.3} max={4} step={0.1} value={sizeScale} onChange={(e) => setSizeScale(Number(e.target.value))} />
            </div>
            <div className="control checks">
              <label className="check">
                <input type="checkbox" checked={showBoxes} onChange={(e) => setShowBoxes(e.target.checked)} /> boxes
              </label>
              <label className="check">
                <input type="checkbox" checked={showLabels} onChange={(e) => setShowLabels(e.target.checked)} /> labels
              </label>
              <label className="check">
                <input type="checkbox" checked={showTrajectory} onChange={(e) => setShowTrajectory(e.target.checked)} /> trajectory
              </label>
              <label className="check">
                <input type="checkbox" checked={showGrid} onChange={(e) => setShowGrid(e.target.checked)} /> grid
              </label>
              <label className="check">
                <input type="checkbox" checked={showAxes} onChange={(e) => setShowAxes(e.target.checked)} /> axes
              </label>
              <label className="check" title={`While the camera moves, draw ${formatCount(MOVING_POINT_BUDGET)} of the points so large clouds stay interactive; full detail once it stops`}>
                <input type="checkbox" checked={reduceWhileMoving} onChange={(e) => setReduceWhileMoving(e.target.checked)} /> reduce detail while moving
              </label>
            </div>
            <ObjectList detail={detail} />
          </>
        )}
      </aside>
      <div className="scene-center">
        {!sceneId ? (
          <Empty title="Choose a scene">Pick one from the list; the QA explorer’s “Open in scene” lands here with the question’s objects highlighted.</Empty>
        ) : !detail ? (
          detailLoading ? <ProgressBar value={null} label={`Loading ${sceneId}`} /> : <Empty title={`Scene ${sceneId} could not be loaded`} />
        ) : (
          <>
            <div className="scene-head">
              <strong className="mono">{detail.summary.id}</strong>
              <span className="muted small">
                {detail.summary.dataset} · version <span className="mono" title="content version: a re-import that changes the scene makes a new one; runs keep the version they used">{detail.version}</span> · {detail.objects.length} objects · {detail.room.area.toFixed(1)} m²
                {points ? ` · ${formatCount(points.count)} of ${formatCount(points.total)} points (${formatMs(pointsMs)})` : ''}
                {detail.provenance.synthesised.length > 0 ? ` · synthesised: ${detail.provenance.synthesised.join(', ')}` : ''}
              </span>
              {selectedObject && (
                <span className="chip" data-testid="selected-object">
                  {selectedObject.label} #{selectedObject.id} · {selectedObject.box.extents.map((e) => e.toFixed(2)).join(' × ')} m
                </span>
              )}
            </div>
            {pointsLoading && <ProgressBar value={null} label="Loading points" />}
            <SceneCanvas
              detail={detail}
              points={points}
              colorMode={colorMode}
              highlight={highlight}
              selected={selected}
              objectConfidence={colorMode === 'confidence' ? confidence : null}
              frame={frame}
              pointSize={autoSize * sizeScale}
              showBoxes={showBoxes}
              showLabels={showLabels}
              showTrajectory={showTrajectory}
              showGrid={showGrid}
              showAxes={showAxes}
              reduceWhileMoving={reduceWhileMoving}
              maxLabels={24}
              onSelectObject={(id) => st.selectObject(id)}
              roles={question?.byId ?? null}
              marks={question?.marks ?? null}
              focus={question?.focus ?? null}
            />
            {qaId !== undefined && <QuestionPanel qaId={qaId} context={question} />}
          </>
        )}
      </div>
      {detail && (
        <aside className="panel scene-frames">
          <h2>Trajectory</h2>
          <FramePanel detail={detail} />
        </aside>
      )}
    </section>
  );
}
