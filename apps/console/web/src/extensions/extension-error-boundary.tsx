import { Component, type ReactNode } from 'react';
import { Alert, Button, Stack, Text } from '@mantine/core';

interface Props {
  extension: string;
  children: ReactNode;
  onRetry?: () => void;
}

interface State {
  error: Error | null;
}

/** Catches what an extension's page throws, so one broken extension never takes the shell down. */
export class ExtensionErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(previous: Props): void {
    if (previous.extension !== this.props.extension && this.state.error) this.setState({ error: null });
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return <ExtensionErrorPanel extension={this.props.extension} error={this.state.error} onRetry={this.retry} />;
  }

  private readonly retry = (): void => {
    this.setState({ error: null });
    this.props.onRetry?.();
  };
}

export function ExtensionErrorPanel(props: { extension: string; error: Error; onRetry?: () => void }) {
  return (
    <Alert color="red" title={`The extension "${props.extension}" failed`} role="alert" data-testid="extension-error">
      <Stack gap="xs">
        <Text size="sm">{props.error.message}</Text>
        {props.onRetry ? (
          <Button size="xs" variant="light" color="red" onClick={props.onRetry} w="fit-content">
            Try again
          </Button>
        ) : null}
      </Stack>
    </Alert>
  );
}
