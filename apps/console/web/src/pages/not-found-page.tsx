import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'wouter';

export function NotFoundPage() {
  return (
    <Stack>
      <Title order={2}>Nothing here</Title>
      <Text>This page does not exist, or you may not use it.</Text>
      <Anchor component={Link} href="/workspaces">
        Back to the workspaces
      </Anchor>
    </Stack>
  );
}
