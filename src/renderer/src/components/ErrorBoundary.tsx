import { Component, type ErrorInfo, type ReactNode } from 'react';
import { errorMessage } from '../lib/errors.js';

interface Props {
  /** What failed, for the message ("The 3D view"). */
  what: string;
  children: ReactNode;
  onError?: (message: string) => void;
}

interface State {
  message: string | null;
}

/** Keeps a failing part (e.g. a canvas without WebGL) from taking the whole window down. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { message: null };

  static getDerivedStateFromError(e: unknown): State {
    return { message: errorMessage(e) };
  }

  override componentDidCatch(e: unknown, _info: ErrorInfo): void {
    this.props.onError?.(errorMessage(e));
  }

  override render(): ReactNode {
    if (this.state.message !== null) {
      return (
        <div className="banner banner-error" role="alert" data-testid="error-banner">
          <strong>{this.props.what} failed.</strong> {this.state.message}
          <button type="button" className="link" onClick={() => this.setState({ message: null })}>
            Retry
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
