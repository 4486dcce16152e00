import { EXTENSIONS_GROUP } from '@mortise/api';

export const EXTENSIONS_API_VERSION = `${EXTENSIONS_GROUP}/v1`;
export const RepositoryRef = { group: EXTENSIONS_GROUP, kind: 'Repository' } as const;
export const ExtensionRef = { group: EXTENSIONS_GROUP, kind: 'Extension' } as const;
export const ExtensionVersionRef = { group: EXTENSIONS_GROUP, kind: 'ExtensionVersion' } as const;
export const InstallPlanRef = { group: EXTENSIONS_GROUP, kind: 'InstallPlan' } as const;

/** On ExtensionVersions: the Repository that lists them. */
export const REPOSITORY_LABEL = 'extensions.mortise.io/repository';
/** On ExtensionVersions: the extension they are a version of. */
export const EXTENSION_LABEL = 'extensions.mortise.io/extension';
/** On ExtensionVersions: when the index says the version was published (RFC 3339). */
export const PUBLISHED_ANNOTATION = 'extensions.mortise.io/published';
/** On a Repository: set or change it (any value, e.g. a timestamp) to sync now. */
export const SYNC_REQUEST_ANNOTATION = 'extensions.mortise.io/sync-requested';

/** `<extension>-<version>`, with `+` (build metadata) turned into `-` and lowercased, as object names need. */
export function extensionVersionName(extension: string, version: string): string {
  return `${extension}-${version.replace(/\+/g, '-').toLowerCase()}`;
}

/** `15m`, `1h30m`, `500ms`, `2.5s` → milliseconds. */
export function parseDuration(text: string): number {
  const pattern = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * (unit[match[2] ?? ''] ?? 0);
    consumed += match[0].length;
  }
  if (consumed !== text.length || consumed === 0) throw new Error(`"${text}" is not a duration like 15m or 1h30m`);
  return total;
}
