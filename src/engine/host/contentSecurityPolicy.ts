/**
 * The renderer's Content-Security-Policy, one definition for both windows onto it: the Electron window (set on
 * every response by main) and the browser-mode server (sent as a header). Scripts only from the app itself, no
 * eval, no plugins, no framing; inline styles are allowed because React sets style attributes.
 */
export interface CspOptions {
  /** Extra origins the page may connect to (browser mode's WebSocket, for browsers whose 'self' omits ws:). */
  connect?: readonly string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    ["connect-src 'self'", ...(options.connect ?? [])].join(' '),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
