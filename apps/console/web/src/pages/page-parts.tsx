import type { ReactNode } from 'react';
import { Alert, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';

/** A page's heading row: title, optional description, actions on the right. */
export function PageHeader(props: { title: string; description?: ReactNode; children?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" mb="lg">
      <Stack gap={2}>
        <Title order={2}>{props.title}</Title>
        {props.description ? (
          <Text c="dimmed" size="sm">
            {props.description}
          </Text>
        ) : null}
      </Stack>
      <Group>{props.children}</Group>
    </Group>
  );
}

/** Loading, or the error the kernel gave, or the content. */
export function Loading(props: { loading: boolean; error: Error | undefined; children: ReactNode; what: string }) {
  if (props.error) {
    return (
      <Alert color="red" role="alert" title={`Could not load ${props.what}`}>
        {props.error.message}
      </Alert>
    );
  }
  if (props.loading) {
    return (
      <Center h={120}>
        <Loader role="status" aria-label={`Loading ${props.what}`} />
      </Center>
    );
  }
  return <>{props.children}</>;
}

export function ErrorText({ error }: { error: string | null }) {
  return error ? (
    <Alert color="red" role="alert">
      {error}
    </Alert>
  ) : null;
}

export function formatTime(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '';
}
