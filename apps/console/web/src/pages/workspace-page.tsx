import { Anchor, Table, Tabs, Text } from '@mantine/core';
import { Link } from 'wouter';
import { useApi, type List, type Resource } from '../api/use-api.js';
import { rememberProjectWorkspace } from '../shell/console-context-scope.js';
import { WidgetSlot } from '../extensions/widget-slot.js';
import { CreateTenantObject } from './create-form.js';
import { MembersPanel } from './members-panel.js';
import { Loading, PageHeader, formatTime } from './page-parts.js';
import { TENANT_API } from './workspaces-page.js';

type Project = Resource<{ displayName?: string; description?: string }>;

export function WorkspacePage({ workspace, extensions }: { workspace: string; extensions: string[] }) {
  const base = `${TENANT_API}/workspaces/${encodeURIComponent(workspace)}/projects`;
  const projects = useApi<List<Project>>(base);
  return (
    <>
      <PageHeader title={`Workspace ${workspace}`} description="Projects and members of this workspace.">
        <CreateTenantObject
          label="Create project"
          title="New project"
          collection={base}
          nameHint="Unique across all workspaces"
          onCreated={projects.reload}
        />
      </PageHeader>
      <WidgetSlot slot="workspace.overview" extensions={extensions} workspace={workspace} />
      <Tabs defaultValue="projects">
        <Tabs.List>
          <Tabs.Tab value="projects">Projects</Tabs.Tab>
          <Tabs.Tab value="members">Members</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="projects" pt="md">
          <Loading loading={projects.loading} error={projects.error} what="the projects">
            {projects.data?.items.length ? (
              <Table striped aria-label="Projects">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Description</Table.Th>
                    <Table.Th>Created</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {projects.data.items.map((p) => (
                    <Table.Tr key={p.metadata.name}>
                      <Table.Td>
                        <Anchor
                          component={Link}
                          href={`/projects/${encodeURIComponent(p.metadata.name)}`}
                          onClick={() => rememberProjectWorkspace(p.metadata.name, workspace)}
                        >
                          {p.spec.displayName ?? p.metadata.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{p.spec.description}</Table.Td>
                      <Table.Td>{formatTime(p.metadata.creationTimestamp)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            ) : (
              <Text c="dimmed">No projects yet.</Text>
            )}
          </Loading>
        </Tabs.Panel>
        <Tabs.Panel value="members" pt="md">
          <MembersPanel scope="workspace" name={workspace} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
