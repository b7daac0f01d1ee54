// A screen that throws while rendering shows a way out instead of a blank Mini App.
import { Component, type ReactNode } from "react";

interface Props {
  message: string;
  retry: string;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override componentDidCatch(error: unknown) {
    console.error("screen failed", error);
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="error-state" role="alert">
        <p>{this.props.message}</p>
        <button type="button" className="button secondary" onClick={() => this.setState({ failed: false })}>
          {this.props.retry}
        </button>
      </div>
    );
  }
}
