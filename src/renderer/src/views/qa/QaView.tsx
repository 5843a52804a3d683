import { useQa } from '../../context.js';
import { Empty } from '../../components/Empty.js';
import { QaDetailPanel } from './QaDetail.js';
import { QaFilters } from './QaFilters.js';
import { QaTable } from './QaTable.js';

/** QA explorer: filters, a virtualised table over queryQa pages, and the selected question's detail. */
export function QaView(): React.JSX.Element {
  const runId = useQa((s) => s.filter.runId);
  const selectedId = useQa((s) => s.selectedId);
  return (
    <section className="view qa-view" aria-label="QA explorer" data-testid="qa-view">
      <QaFilters />
      {runId === null ? (
        <Empty title="No run chosen">Choose a run above to explore the questions it proposed.</Empty>
      ) : (
        <div className={`qa-body${selectedId !== null ? ' with-detail' : ''}`}>
          <QaTable />
          {selectedId !== null && <QaDetailPanel />}
        </div>
      )}
    </section>
  );
}
