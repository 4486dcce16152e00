import { CliError, ExitCode } from './exit-codes.js';
import { EXTENSIONS_API } from './install-plan-client.js';
import type { KernelClient } from './kernel-client.js';
import type { MarketplaceItem as ServedItem, MarketplaceQuery as ServedQuery } from '@mortise/registry';

export const MARKETPLACE_PATH = `${EXTENSIONS_API}/marketplace`;

/** One extension as the marketplace API lists it; older kernels' Extension objects lack the lists. */
export type MarketplaceItem = Omit<ServedItem, 'keywords' | 'versions' | 'icon' | 'updated'> &
  Partial<Pick<ServedItem, 'keywords' | 'versions'>>;

/** The marketplace's filters; `sort` is passed through as typed, the kernel checks it. */
export type MarketplaceQuery = Omit<ServedQuery, 'sort'> & { sort?: string };

interface ExtensionObject {
  metadata: { name: string };
  spec?: { displayName?: string; description?: string; provider?: string; category?: string };
  status?: {
    versions?: { version: string }[];
    recommendedVersion?: string;
    installedVersion?: string;
    state?: string;
  };
}

/** The marketplace's list; the kernel's Extension objects when it serves no marketplace (older kernels). */
export async function listMarketplace(kernel: KernelClient, query: MarketplaceQuery): Promise<MarketplaceItem[]> {
  const page = await kernel.request<{ items: MarketplaceItem[] } | undefined>('GET', MARKETPLACE_PATH, {
    query: { ...query },
    allow: [404],
  });
  if (page) return page.items;
  const extensions = await kernel.request<{ items: ExtensionObject[] }>('GET', `${EXTENSIONS_API}/extensions`);
  const needle = query.q?.toLowerCase();
  return extensions.items
    .map(fromExtensionObject)
    .filter(
      (item) =>
        (!needle || [item.name, item.displayName, item.description].some((f) => f?.toLowerCase().includes(needle))) &&
        (!query.category || item.category === query.category) &&
        (!query.provider || item.provider === query.provider),
    );
}

/** One marketplace entry; NotFound (exit 4) when no repository offers it. */
export async function getMarketplaceItem(kernel: KernelClient, name: string): Promise<MarketplaceItem> {
  const item = await kernel.request<MarketplaceItem | undefined>(
    'GET',
    `${MARKETPLACE_PATH}/${encodeURIComponent(name)}`,
    {
      allow: [404],
    },
  );
  if (item) return item;
  const extension = await kernel.request<ExtensionObject | undefined>(
    'GET',
    `${EXTENSIONS_API}/extensions/${encodeURIComponent(name)}`,
    {
      allow: [404],
    },
  );
  if (!extension)
    throw new CliError(`no repository offers an extension named "${name}"`, ExitCode.NotFound, 'NotFound');
  return fromExtensionObject(extension);
}

function fromExtensionObject(extension: ExtensionObject): MarketplaceItem {
  const { spec = {}, status = {} } = extension;
  return {
    name: extension.metadata.name,
    ...spec,
    versions: (status.versions ?? []).map((v) => v.version),
    ...(status.recommendedVersion ? { recommendedVersion: status.recommendedVersion } : {}),
    ...(status.installedVersion ? { installedVersion: status.installedVersion } : {}),
    ...(status.state ? { state: status.state } : {}),
  };
}
