import type { PairedDifference } from '../../../shared/statistics.js';
import { differenceText, verdictClass } from '../lib/verdict.js';

/** A paired difference in the report's words; coloured only when its interval excludes 0. */
export function Verdict(props: { difference: PairedDifference; testId?: string }): React.JSX.Element {
  const { difference, testId = 'verdict' } = props;
  return (
    <span className={verdictClass(difference.verdict)} data-testid={testId} data-verdict={difference.verdict}>
      {differenceText(difference)}
    </span>
  );
}
