import { useState } from 'react';
import { Alert, Badge, Button, Code, Drawer, Group, Progress, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useAction } from '../api/use-action.js';
import { useApi } from '../api/use-api.js';
import {
  INSTALL_STEPS,
  autoInstalledFor,
  failureReason,
  installPlanActions,
  isFailed,
  type InstallPlan,
} from './install-plans.js';
import { EXTENSIONS_API } from './install-plans.js';
import { ErrorText, Loading } from './page-parts.js';

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}

export interface MarketplaceItem {
  name: string;
  displayName?: string;
  description?: string;
  provider?: string;
  icon?: string;
  category?: string;
  keywords?: string[];
  versions?: string[];
  recommendedVersion?: string;
  installedVersion?: string;
  state?: string;
}

interface MarketplaceDetail extends MarketplaceItem {
  details?: Array<{
    version: string;
    kernel?: string;
    dependencies?: Record<string, string>;
    permissions?: PolicyRule[];
    readme?: string;
    changelog?: string;
    digest?: string;
  }>;
}

function InstallProgress({ plan }: { plan: InstallPlan }) {
  const state = plan.status?.state ?? 'Pending';
  const step = INSTALL_STEPS.indexOf(state);
  const value = state === 'Installed' ? 100 : step >= 0 ? ((step + 0.5) / INSTALL_STEPS.length) * 100 : 50;
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {state}
          {plan.status?.version ? ` · ${plan.status.version}` : ''}
          {plan.spec.enabled === false ? ' · disabled' : ''}
        </Text>
      </Group>
      <Progress
        value={value}
        color={isFailed(plan) ? 'red' : state === 'Installed' ? 'green' : 'blue'}
        animated={!isFailed(plan) && state !== 'Installed' && state !== 'Uninstalled'}
        aria-label={`Install progress: ${state}`}
      />
    </Stack>
  );
}

/** For an extension the kernel installed as a dependency: for what, and a way to keep it. */
function AutoInstalledNote(props: { plan: InstallPlan; canManage: boolean; onKeep: () => void }) {
  const neededBy = autoInstalledFor(props.plan);
  if (!neededBy) return null;
  return (
    <Alert color="gray" title="Installed as a dependency" role="note">
      <Stack gap="xs">
        <Text size="sm">
          Installed automatically{neededBy.length > 0 ? ` for ${neededBy.join(', ')}` : ''}; it is uninstalled once no
          installed extension needs it.
        </Text>
        {props.canManage ? (
          <Button size="xs" variant="default" w="fit-content" onClick={props.onKeep}>
            Keep installed
          </Button>
        ) : null}
      </Stack>
    </Alert>
  );
}

/** One extension: versions, provider, the permissions it asks for, and its lifecycle through its InstallPlan. */
export function ExtensionDetail(props: {
  name: string;
  plan: InstallPlan | undefined;
  canManage: boolean;
  onClose: () => void;
  onChanged: () => void;
}) {
  const detail = useApi<MarketplaceDetail>(`${EXTENSIONS_API}/marketplace/${encodeURIComponent(props.name)}`);
  const [version, setVersion] = useState<string | null>(null);
  const item = detail.data;
  const chosen = version ?? item?.recommendedVersion ?? item?.versions?.[0] ?? null;
  const details = item?.details?.find((d) => d.version === chosen);
  const plan = props.plan;
  const { error, busy, run: act } = useAction(props.onChanged);

  return (
    <Drawer
      opened
      onClose={props.onClose}
      position="right"
      size="lg"
      title={item?.displayName ?? props.name}
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <Loading loading={detail.loading} error={detail.error} what="the extension">
        {item ? (
          <Stack>
            <Text>{item.description}</Text>
            <Group gap="xs">
              {item.provider ? <Badge variant="light">{item.provider}</Badge> : null}
              {item.category ? <Badge variant="outline">{item.category}</Badge> : null}
              {(item.keywords ?? []).map((k) => (
                <Badge key={k} variant="dot">
                  {k}
                </Badge>
              ))}
            </Group>
            <Select
              label="Version"
              data={item.versions ?? []}
              value={chosen}
              onChange={setVersion}
              allowDeselect={false}
            />
            {details?.kernel ? <Text size="sm">Needs kernel {details.kernel}</Text> : null}
            {plan ? <InstallProgress plan={plan} /> : null}
            {plan ? (
              <AutoInstalledNote
                plan={plan}
                canManage={props.canManage}
                onKeep={() => void act(() => installPlanActions.keep(props.name))}
              />
            ) : null}
            {plan && isFailed(plan) ? (
              <Alert color="red" title={plan.status?.state} role="alert">
                <Stack gap="xs">
                  <Text size="sm">{failureReason(plan)}</Text>
                  {props.canManage ? (
                    <Button
                      size="xs"
                      w="fit-content"
                      onClick={() => void act(() => installPlanActions.retry(props.name))}
                    >
                      Retry
                    </Button>
                  ) : null}
                </Stack>
              </Alert>
            ) : null}
            <ErrorText error={error} />
            {props.canManage && chosen ? (
              <Group>
                {!plan ? (
                  <Button loading={busy} onClick={() => void act(() => installPlanActions.install(props.name, chosen))}>
                    Install {chosen}
                  </Button>
                ) : (
                  <>
                    {plan.spec.extension.version !== chosen ? (
                      <Button
                        loading={busy}
                        onClick={() => void act(() => installPlanActions.upgrade(props.name, chosen))}
                      >
                        Change to {chosen}
                      </Button>
                    ) : null}
                    <Button
                      variant="default"
                      loading={busy}
                      onClick={() =>
                        void act(() => installPlanActions.setEnabled(props.name, plan.spec.enabled === false))
                      }
                    >
                      {plan.spec.enabled === false ? 'Enable' : 'Disable'}
                    </Button>
                    <Button
                      color="red"
                      variant="light"
                      loading={busy}
                      onClick={() => void act(() => installPlanActions.uninstall(props.name))}
                    >
                      Uninstall
                    </Button>
                  </>
                )}
              </Group>
            ) : null}
            <Title order={3} size="h5">
              Permissions requested
            </Title>
            {details?.permissions?.length ? (
              <Table aria-label="Permissions requested" fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Verbs</Table.Th>
                    <Table.Th>On</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {details.permissions.map((rule, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>{rule.verbs.join(', ')}</Table.Td>
                      <Table.Td>
                        {rule.nonResourceURLs?.join(', ') ??
                          `${(rule.resources ?? []).join(', ')} in ${(rule.apiGroups ?? []).map((g) => g || 'core').join(', ')}`}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            ) : (
              <Text size="sm" c="dimmed">
                None beyond its own API.
              </Text>
            )}
            {details?.digest ? (
              <Text size="xs">
                Digest <Code>{details.digest}</Code>
              </Text>
            ) : null}
            {details?.readme ? (
              <Code block style={{ whiteSpace: 'pre-wrap' }}>
                {details.readme}
              </Code>
            ) : null}
          </Stack>
        ) : null}
      </Loading>
    </Drawer>
  );
}
