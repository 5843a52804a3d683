import { useApp } from '../context.js';

/** Error banners: each API rejection shows what was being done and the host's message, until dismissed. */
export function ErrorBanners(): React.JSX.Element | null {
  const errors = useApp((s) => s.errors);
  const dismiss = useApp((s) => s.dismissError);
  const clear = useApp((s) => s.clearErrors);
  if (errors.length === 0) return null;
  return (
    <div className="banners" aria-live="assertive">
      {errors.map((b) => (
        <div key={b.id} className="banner banner-error" role="alert" data-testid="error-banner">
          <div className="banner-text">
            <strong>{b.context} failed.</strong> <span className="banner-message">{b.message}</span>
          </div>
          <button type="button" className="link" onClick={() => dismiss(b.id)} aria-label={`Dismiss: ${b.context}`}>
            Dismiss
          </button>
        </div>
      ))}
      {errors.length > 1 && (
        <button type="button" className="link banner-clear" onClick={clear}>
          Dismiss all
        </button>
      )}
    </div>
  );
}
