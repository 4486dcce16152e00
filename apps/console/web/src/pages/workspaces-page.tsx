import { Anchor, Table, Text } from '@mantine/core';
import { Link } from 'wouter';
import { useApi, type List, type Resource } from '../api/use-api.js';
import { CreateTenantObject } from './create-form.js';
import { Loading, PageHeader, formatTime } from './page-parts.js';

export const TENANT_API = '/kapis/tenant.mortise.io/v1';

type Workspace = Resource<{ manager?: string; displayName?: string; description?: string }>;

export function WorkspacesPage({ canCreate }: { canCreate: boolean }) {
  const workspaces = useApi<List<Workspace>>(`${TENANT_API}/workspaces`);
  return (
    <>
      <PageHeader title="Workspaces" description="Tenants: each holds projects and its own members.">
        {canCreate ? (
          <CreateTenantObject
            label="Create workspace"
            title="New workspace"
            collection={`${TENANT_API}/workspaces`}
            nameHint="Lower-case letters, digits and dashes"
            onCreated={workspaces.reload}
          />
        ) : null}
      </PageHeader>
      <Loading loading={workspaces.loading} error={workspaces.error} what="the workspaces">
        {workspaces.data?.items.length ? (
          <Table striped highlightOnHover aria-label="Workspaces">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Manager</Table.Th>
                <Table.Th>Description</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {workspaces.data.items.map((ws) => (
                <Table.Tr key={ws.metadata.name}>
                  <Table.Td>
                    <Anchor component={Link} href={`/workspaces/${encodeURIComponent(ws.metadata.name)}`}>
                      {ws.spec.displayName ?? ws.metadata.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{ws.spec.manager}</Table.Td>
                  <Table.Td>{ws.spec.description}</Table.Td>
                  <Table.Td>{formatTime(ws.metadata.creationTimestamp)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text c="dimmed">No workspaces you are a member of yet.</Text>
        )}
      </Loading>
    </>
  );
}
