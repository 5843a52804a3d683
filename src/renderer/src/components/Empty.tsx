/** An empty state: what is missing and what to do about it. */
export function Empty(props: { title: string; children?: React.ReactNode; testId?: string }): React.JSX.Element {
  return (
    <div className="empty" data-testid={props.testId ?? 'empty'}>
      <p className="empty-title">{props.title}</p>
      {props.children && <div className="empty-body">{props.children}</div>}
    </div>
  );
}
