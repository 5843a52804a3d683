/** A tooltip at viewport coordinates (beside the pointer), kept inside the window. */
export function Tooltip(props: { x: number; y: number; children: React.ReactNode }): React.JSX.Element {
  const left = Math.min(props.x + 14, (typeof window !== 'undefined' ? window.innerWidth : 1e4) - 320);
  const top = props.y + 14;
  return (
    <div className="tooltip" role="tooltip" style={{ left, top }} data-testid="tooltip">
      {props.children}
    </div>
  );
}
