/**
 * A choice question's lettered options with the ground truth and the prediction marked: one rendering for the QA
 * detail and the question card in the scene, so both read a prediction's letter the same way.
 */
/** The option letter a prediction names ("B", "B. chair" → "B"). */
export const predictedLetter = (prediction: string | null | undefined): string | undefined => prediction?.trim().split(/[\s.]/)[0];

export function OptionList({ options, answer, prediction }: { options: readonly string[]; answer: string | number | null; prediction: string | null | undefined }): React.JSX.Element {
  const predicted = predictedLetter(prediction);
  return (
    <ol className="options">
      {options.map((o, i) => {
        const letter = o.split('.')[0]?.trim();
        const isTruth = letter !== undefined && letter === String(answer);
        const isPred = letter !== undefined && predicted === letter;
        return (
          <li key={`${i}:${o}`} className={isTruth ? 'truth' : ''}>
            {o}
            {isTruth && <span className="chip chip-ok">truth</span>}
            {isPred && <span className="chip">predicted</span>}
          </li>
        );
      })}
    </ol>
  );
}
