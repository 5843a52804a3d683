/** App shell. The views (runs, scene, QA, heatmaps, curves) arrive with the workbench issue. */
export function App(): React.JSX.Element {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Ouroboros Workbench</h1>
      <p>Closed-loop spatial-reasoning training. The views arrive with the workbench issue.</p>
    </main>
  );
}
