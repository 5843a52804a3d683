/**
 * Who may talk to browser mode. The server listens on 127.0.0.1 only, but a web page the user visits could
 * still reach it: through DNS rebinding (evil.example resolving to 127.0.0.1, so the browser sends
 * `Host: evil.example`) or by a cross-site request (`Origin: https://evil.example`). Both are refused, as is
 * an API call whose body is not declared JSON (the kind of request a plain HTML form can send).
 */
import { contentSecurityPolicy } from '../engine/host/contentSecurityPolicy.js';

export const LOOPBACK_HOSTNAMES = ['127.0.0.1', 'localhost', '[::1]'] as const;

export interface AccessPolicy {
  port: number;
}

export function allowedHosts(port: number): string[] {
  return LOOPBACK_HOSTNAMES.map((h) => `${h}:${port}`);
}

export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((h) => `http://${h}`);
}

/** Why the request is refused, or undefined when its Host (and Origin, when sent) name this server. */
export function accessProblem(headers: { host?: string | undefined; origin?: string | undefined }, port: number): string | undefined {
  const host = headers.host?.toLowerCase();
  if (!host || !allowedHosts(port).includes(host)) {
    return `refused: the Host header ${JSON.stringify(headers.host ?? '')} does not name this server (DNS-rebinding protection); open http://127.0.0.1:${port}/`;
  }
  // Browsers send Origin on cross-origin requests and on every WebSocket handshake; tools like curl send none.
  const origin = headers.origin;
  if (origin !== undefined && !allowedOrigins(port).includes(origin.toLowerCase())) {
    return `refused: requests from ${JSON.stringify(origin)} are not allowed (only pages served by this server may call it)`;
  }
  return undefined;
}

/** Headers every response carries: the Electron window's CSP plus the usual hardening for a local web app. */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy({ connect: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] }),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
}
