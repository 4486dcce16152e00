import { useState } from 'react';
import { Badge, Group, Table, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useApi } from '../api/use-api.js';
import { Loading, PageHeader, formatTime } from './page-parts.js';
import { IAM_API } from './users-page.js';

interface AuditEvent {
  time: string;
  requestId?: string;
  user: string;
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  name: string;
  workspace: string;
  project: string;
  path?: string;
  decision: 'allow' | 'deny';
  code: number;
}

/** Mutations and denials, newest first, as far as the caller may see them. */
export function AuditPage() {
  const [user, setUser] = useState('');
  const [debounced] = useDebouncedValue(user, 300);
  const query = new URLSearchParams({ limit: '200', ...(debounced ? { user: debounced } : {}) });
  const events = useApi<{ items: AuditEvent[] }>(`${IAM_API}/auditevents?${query.toString()}`);
  return (
    <>
      <PageHeader title="Audit log" description="Every change and every refused request.">
        <TextInput label="User" placeholder="any" value={user} onChange={(e) => setUser(e.currentTarget.value)} />
      </PageHeader>
      <Loading loading={events.loading && !events.data} error={events.error} what="the audit log">
        <Table striped aria-label="Audit events" fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>User</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Where</Table.Th>
              <Table.Th>Result</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.data?.items.map((event, i) => (
              <Table.Tr key={event.requestId ?? `${event.time}-${i}`}>
                <Table.Td>{formatTime(event.time)}</Table.Td>
                <Table.Td>{event.user}</Table.Td>
                <Table.Td>
                  {event.verb}{' '}
                  {event.resource ? `${event.resource}${event.subresource ? `/${event.subresource}` : ''}` : event.path}
                  {event.name ? ` ${event.name}` : ''}
                </Table.Td>
                <Table.Td>
                  {event.project
                    ? `project ${event.project}`
                    : event.workspace
                      ? `workspace ${event.workspace}`
                      : 'platform'}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Badge color={event.decision === 'deny' ? 'red' : event.code >= 400 ? 'orange' : 'green'}>
                      {event.code}
                    </Badge>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Loading>
    </>
  );
}
