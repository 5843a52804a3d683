import { useRuns } from '../../context.js';
import { CompareRuns } from './CompareRuns.js';
import { RunDetailPanel } from './RunDetailPanel.js';
import { RunList } from './RunList.js';
import { StartRunForm } from './StartRunForm.js';

/** Runs: the list with stop/resume and compare, the selected run's detail, and the start form. */
export function RunsView(): React.JSX.Element {
  const selectedId = useRuns((s) => s.selectedId);
  return (
    <section className="view runs-view" data-testid="runs-view" aria-label="Runs">
      <div className="runs-main">
        <RunList />
        <CompareRuns />
        {selectedId && <RunDetailPanel />}
      </div>
      <aside className="runs-side">
        <StartRunForm />
      </aside>
    </section>
  );
}
