import { useState } from 'react';
import { Badge, Button, Card, Group, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useApi } from '../api/use-api.js';
import { ExtensionDetail, type MarketplaceItem } from './extension-detail.js';
import { EXTENSIONS_API, isFailed, useInstallPlans } from './install-plans.js';
import { Loading, PageHeader } from './page-parts.js';

/** Browse and search the extensions of the configured repositories; install and manage them. */
export function MarketplacePage({ canManage }: { canManage: boolean }) {
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<string | null>(null);
  const [sort, setSort] = useState<string | null>('name');
  const [open, setOpen] = useState<string | null>(null);
  const [query] = useDebouncedValue(q, 250);
  const params = new URLSearchParams({
    ...(query ? { q: query } : {}),
    ...(category ? { category } : {}),
    sort: sort ?? 'name',
  });
  const market = useApi<{ items: MarketplaceItem[] }>(`${EXTENSIONS_API}/marketplace?${params.toString()}`);
  const plans = useInstallPlans(true);
  const categories = [...new Set((market.data?.items ?? []).map((i) => i.category).filter((c): c is string => !!c))];

  return (
    <>
      <PageHeader title="Marketplace" description="Extensions from the platform's repositories." />
      <Group mb="md" align="flex-end">
        <TextInput
          label="Search"
          placeholder="name, keyword, provider"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
        />
        <Select
          label="Category"
          placeholder="all"
          clearable
          data={categories}
          value={category}
          onChange={setCategory}
        />
        <Select
          label="Sort by"
          data={[
            { value: 'name', label: 'Name' },
            { value: '-updated', label: 'Recently updated' },
            { value: 'provider', label: 'Provider' },
          ]}
          value={sort}
          onChange={setSort}
        />
      </Group>
      <Loading loading={market.loading && !market.data} error={market.error} what="the marketplace">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {market.data?.items.map((item) => {
            const plan = plans.get(item.name);
            const state = plan?.status?.state ?? item.state;
            return (
              <Card withBorder key={item.name} data-testid={`extension-card-${item.name}`}>
                <Stack gap="xs">
                  <Group justify="space-between">
                    <Title order={3} size="h4">
                      {item.displayName ?? item.name}
                    </Title>
                    {state ? (
                      <Badge color={isFailed(plan) ? 'red' : state === 'Installed' ? 'green' : 'blue'}>{state}</Badge>
                    ) : null}
                  </Group>
                  <Text size="sm" c="dimmed">
                    {item.provider} · {item.category ?? 'uncategorised'} ·{' '}
                    {item.recommendedVersion ?? item.versions?.[0]}
                  </Text>
                  <Text size="sm">{item.description}</Text>
                  <Button
                    variant="light"
                    onClick={() => setOpen(item.name)}
                    aria-label={`Details of ${item.displayName ?? item.name}`}
                  >
                    Details
                  </Button>
                </Stack>
              </Card>
            );
          })}
        </SimpleGrid>
        {market.data?.items.length === 0 ? <Text c="dimmed">No extension matches.</Text> : null}
      </Loading>
      {open ? (
        <ExtensionDetail
          name={open}
          plan={plans.get(open)}
          canManage={canManage}
          onClose={() => setOpen(null)}
          onChanged={market.reload}
        />
      ) : null}
    </>
  );
}
