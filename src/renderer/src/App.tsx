/** App shell: header with host info and navigation, error banners, and the view the route names. */
import { lazy, Suspense } from 'react';
import { ErrorBanners } from './components/ErrorBanners.js';
import { Header } from './components/Header.js';
import { ScrollMemoryMain } from './components/ScrollMemory.js';
import { useApp } from './context.js';
import { CompareView } from './views/compare/CompareView.js';
import { CurvesView } from './views/curves/CurvesView.js';
import { ExperimentView } from './views/experiment/ExperimentView.js';
import { HeatmapsView } from './views/heatmaps/HeatmapsView.js';
import { QaView } from './views/qa/QaView.js';
import { RunsView } from './views/runs/RunsView.js';
import { TrainingView } from './views/training/TrainingView.js';

// three.js and the viewer load only when a 3D view is opened.
const SceneView = lazy(() => import('./views/scene/SceneView.js').then((m) => ({ default: m.SceneView })));
const ReplayView = lazy(() => import('./views/replay/ReplayView.js').then((m) => ({ default: m.ReplayView })));
const ViewerBench = lazy(() => import('./views/bench/ViewerBench.js').then((m) => ({ default: m.ViewerBench })));

export function App(): React.JSX.Element {
  const route = useApp((s) => s.route);
  let view: React.JSX.Element;
  switch (route.view) {
    case 'runs':
      view = <RunsView />;
      break;
    case 'scene':
      view = <SceneView />;
      break;
    case 'qa':
      view = <QaView />;
      break;
    case 'heatmaps':
      view = <HeatmapsView />;
      break;
    case 'curves':
      view = <CurvesView />;
      break;
    case 'replay':
      view = <ReplayView />;
      break;
    case 'training':
      view = <TrainingView />;
      break;
    case 'compare':
      view = <CompareView />;
      break;
    case 'experiment':
      view = <ExperimentView />;
      break;
    case 'bench':
      view = <ViewerBench />;
      break;
  }
  return (
    <div className="app">
      <Header />
      <ErrorBanners />
      <ScrollMemoryMain className="app-main" view={route.view}>
        <Suspense fallback={<div className="loading">Loading view…</div>}>{view}</Suspense>
      </ScrollMemoryMain>
    </div>
  );
}
