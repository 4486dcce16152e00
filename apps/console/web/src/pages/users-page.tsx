import { useState } from 'react';
import { Badge, Button, PasswordInput, Switch, Table, TextInput } from '@mantine/core';
import { apiJson } from '../api/api-client.js';
import { useAction } from '../api/use-action.js';
import { useApi, type List, type Resource } from '../api/use-api.js';
import { ModalForm } from './create-form.js';
import { ErrorText, Loading, PageHeader, formatTime } from './page-parts.js';

export const IAM_API = '/kapis/iam.mortise.io/v1';

type User = Resource<
  { email?: string; displayName?: string; disabled?: boolean },
  { state?: string; lastLoginTime?: string; lockedUntil?: string }
>;

const MERGE_PATCH = { 'content-type': 'application/merge-patch+json' };

/** Platform admins: every user, create one, disable or enable, end a lockout. */
export function UsersPage() {
  const users = useApi<List<User>>(`${IAM_API}/users`);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { error, run: act } = useAction(users.reload);
  const create = async () => {
    await apiJson(`${IAM_API}/users`, { method: 'POST', body: { metadata: { name }, spec: { email, password } } });
    setName('');
    setEmail('');
    setPassword('');
    users.reload();
  };
  return (
    <>
      <PageHeader title="Users" description="Everyone who can log in to this platform.">
        <ModalForm label="Create user" title="New user" submit={create}>
          <TextInput label="Username" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TextInput
            label="Email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <PasswordInput
            label="Initial password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
        </ModalForm>
      </PageHeader>
      <ErrorText error={error} />
      <Loading loading={users.loading} error={users.error} what="the users">
        <Table striped aria-label="Users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Username</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Last login</Table.Th>
              <Table.Th>Enabled</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.data?.items.map((user) => {
              const path = `${IAM_API}/users/${encodeURIComponent(user.metadata.name)}`;
              return (
                <Table.Tr key={user.metadata.name}>
                  <Table.Td>{user.metadata.name}</Table.Td>
                  <Table.Td>{user.spec.email}</Table.Td>
                  <Table.Td>
                    <Badge color={user.status?.state === 'Locked' ? 'orange' : user.spec.disabled ? 'gray' : 'green'}>
                      {user.spec.disabled ? 'Disabled' : (user.status?.state ?? 'Active')}
                    </Badge>
                    {user.status?.state === 'Locked' ? (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        ml="xs"
                        onClick={() => void act(() => apiJson(`${path}/unlock`, { method: 'POST' }))}
                      >
                        Unlock
                      </Button>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{formatTime(user.status?.lastLoginTime)}</Table.Td>
                  <Table.Td>
                    <Switch
                      aria-label={`${user.metadata.name} may log in`}
                      checked={!user.spec.disabled}
                      onChange={(e) => {
                        const disabled = !e.currentTarget.checked;
                        void act(() =>
                          apiJson(path, { method: 'PATCH', headers: MERGE_PATCH, body: { spec: { disabled } } }),
                        );
                      }}
                    />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Loading>
    </>
  );
}
