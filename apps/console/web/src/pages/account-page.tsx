import { useState, type FormEvent } from 'react';
import { Alert, Button, Code, CopyButton, Group, PasswordInput, Stack, Table, TextInput, Title } from '@mantine/core';
import { apiJson } from '../api/api-client.js';
import { useApi, type List, type Resource } from '../api/use-api.js';
import type { ConsoleUser } from '../session/session.js';
import { ErrorText, Loading, PageHeader, formatTime } from './page-parts.js';
import { IAM_API } from './users-page.js';

type ApiKey = Resource<
  { owner?: string; description?: string; expiresAt?: string },
  { id?: string; lastUsedTime?: string; secret?: string }
>;

function PasswordForm({ username }: { username: string }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await apiJson(`${IAM_API}/users/${encodeURIComponent(username)}/password`, {
        method: 'PUT',
        body: { currentPassword: current, password: next },
      });
      setCurrent('');
      setNext('');
      setMessage({ ok: true, text: 'Password changed. Other sessions have been signed out.' });
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="password-title">
      <Stack maw={420}>
        <Title order={3} id="password-title">
          Password
        </Title>
        {message ? (
          <Alert color={message.ok ? 'green' : 'red'} role="status">
            {message.text}
          </Alert>
        ) : null}
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.currentTarget.value)}
        />
        <PasswordInput
          label="New password"
          autoComplete="new-password"
          required
          value={next}
          onChange={(e) => setNext(e.currentTarget.value)}
        />
        <Button type="submit" w="fit-content">
          Change password
        </Button>
      </Stack>
    </form>
  );
}

function ApiKeys({ username }: { username: string }) {
  const keys = useApi<List<ApiKey>>(`${IAM_API}/apikeys`);
  const [description, setDescription] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const created = await apiJson<ApiKey>(`${IAM_API}/apikeys`, {
        method: 'POST',
        body: { metadata: { name: 'key' }, spec: { owner: username, ...(description ? { description } : {}) } },
      });
      setSecret(created.status?.secret ?? null);
      setDescription('');
      keys.reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const remove = async (name: string) => {
    setError(null);
    await apiJson(`${IAM_API}/apikeys/${encodeURIComponent(name)}`, { method: 'DELETE' }).catch((err: Error) =>
      setError(err.message),
    );
    keys.reload();
  };
  return (
    <section aria-labelledby="keys-title">
      <Title order={3} id="keys-title" mb="sm">
        API keys
      </Title>
      <ErrorText error={error} />
      {secret ? (
        <Alert
          color="blue"
          title="Copy your new key now: it is shown only once"
          mb="sm"
          role="status"
          withCloseButton
          onClose={() => setSecret(null)}
          closeButtonLabel="Dismiss"
        >
          <Group>
            <Code data-testid="new-api-key">{secret}</Code>
            <CopyButton value={secret}>
              {({ copied, copy }) => (
                <Button size="xs" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Alert>
      ) : null}
      <form onSubmit={(e) => void create(e)}>
        <Group align="flex-end" mb="sm">
          <TextInput label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
          <Button type="submit">Create API key</Button>
        </Group>
      </form>
      <Loading loading={keys.loading} error={keys.error} what="the API keys">
        <Table aria-label="API keys">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Key</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.data?.items.map((key) => (
              <Table.Tr key={key.metadata.name}>
                <Table.Td>{key.metadata.name}</Table.Td>
                <Table.Td>{key.spec.description}</Table.Td>
                <Table.Td>{formatTime(key.status?.lastUsedTime)}</Table.Td>
                <Table.Td>
                  <Button
                    size="compact-xs"
                    color="red"
                    variant="subtle"
                    onClick={() => void remove(key.metadata.name)}
                    aria-label={`Delete key ${key.metadata.name}`}
                  >
                    Delete
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Loading>
    </section>
  );
}

export function AccountPage({ user }: { user: ConsoleUser }) {
  return (
    <>
      <PageHeader title="My account" description={`${user.username}${user.email ? ` · ${user.email}` : ''}`} />
      <Stack gap="xl">
        <PasswordForm username={user.username} />
        <ApiKeys username={user.username} />
      </Stack>
    </>
  );
}
