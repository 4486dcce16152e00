import { useState } from 'react';
import { ActionIcon, Button, Group, NativeSelect, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { apiJson } from '../api/api-client.js';
import { useAction } from '../api/use-action.js';
import { useApi, type List } from '../api/use-api.js';
import { ErrorText, Loading } from './page-parts.js';
import { TENANT_API } from './workspaces-page.js';

interface Member {
  username: string;
  role: string;
}

const ROLES = {
  workspace: ['workspace-admin', 'workspace-regular', 'workspace-viewer'],
  project: ['project-admin', 'project-operator', 'project-viewer'],
};

/** Members of a workspace or a project, with their one role each: add, change, remove. */
export function MembersPanel({ scope, name }: { scope: 'workspace' | 'project'; name: string }) {
  const base = `${TENANT_API}/${scope === 'workspace' ? 'workspaces' : 'namespaces'}/${encodeURIComponent(name)}/members`;
  const members = useApi<List<Member>>(base);
  const roles = ROLES[scope];
  const [username, setUsername] = useState('');
  const [role, setRole] = useState(roles[1]);
  const { error, run } = useAction(members.reload);
  const add = () =>
    run(async () => {
      await apiJson(base, { method: 'POST', body: { username, role } });
      setUsername('');
    });

  return (
    <section aria-labelledby={`${scope}-members-title`}>
      <Title order={3} id={`${scope}-members-title`} mb="sm">
        Members
      </Title>
      <ErrorText error={error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <Group align="flex-end" my="sm">
          <TextInput label="Username" required value={username} onChange={(e) => setUsername(e.currentTarget.value)} />
          <NativeSelect label="Role" data={roles} value={role} onChange={(e) => setRole(e.currentTarget.value)} />
          <Button type="submit">Add member</Button>
        </Group>
      </form>
      <Loading loading={members.loading} error={members.error} what="the members">
        <Table aria-label="Members">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.data?.items.map((member) => (
              <Table.Tr key={member.username}>
                <Table.Td>{member.username}</Table.Td>
                <Table.Td>
                  <NativeSelect
                    aria-label={`Role of ${member.username}`}
                    data={roles.includes(member.role) ? roles : [member.role, ...roles]}
                    value={member.role}
                    onChange={(e) => {
                      const next = e.currentTarget.value;
                      void run(() =>
                        apiJson(`${base}/${encodeURIComponent(member.username)}`, {
                          method: 'PUT',
                          body: { username: member.username, role: next },
                        }),
                      );
                    }}
                  />
                </Table.Td>
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Remove ${member.username}`}
                    onClick={() =>
                      void run(() => apiJson(`${base}/${encodeURIComponent(member.username)}`, { method: 'DELETE' }))
                    }
                  >
                    ×
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {members.data?.items.length === 0 ? <Text c="dimmed">No members.</Text> : null}
      </Loading>
    </section>
  );
}
