import { createHash } from 'node:crypto';
import { InvalidError, type JSBundle } from '@mortise/api';
import { extensionOf, type ProxyRoute } from '../routing/proxy-route.js';

/** Where an installed extension's files are; the registry provides it. */
export interface ExtensionFiles {
  /** Absolute directory of the installed package, or undefined when it is not installed here. */
  rootOf(extension: string): string | undefined;
}

/** The file name every bundle's main script is served under. */
export const BUNDLE_ENTRY = 'index.js';

export type BundleSource =
  | { kind: 'raw'; content: Buffer; etag: string }
  | { kind: 'file'; extension: string; entry: string; assets: readonly string[] }
  | { kind: 'url'; route: ProxyRoute };

export interface CompiledBundle {
  name: string;
  extension: string | undefined;
  source: BundleSource;
  /** `/dist/{name}/index.js`, what the console loads. */
  link: string;
  digest?: string;
}

function invalid(field: string, message: string): InvalidError {
  return new InvalidError(`${field}: ${message}`, { causes: [{ reason: 'FieldValueInvalid', message, field }] });
}

/** Turns a JSBundle spec into what `/dist` serves; `urlRoute` builds the proxy route for `url` bundles. */
export function compileBundle(
  bundle: JSBundle,
  files: ExtensionFiles | undefined,
  urlRoute: () => ProxyRoute,
): CompiledBundle {
  const name = bundle.metadata.name;
  const spec = bundle.spec;
  const sources = [
    spec.raw !== undefined,
    spec.file !== undefined,
    spec.url !== undefined || spec.service !== undefined,
  ];
  if (sources.filter(Boolean).length !== 1) {
    throw invalid('spec', 'set exactly one of raw, file, or url/service');
  }
  const extension = extensionOf(bundle);
  const link = `/dist/${name}/${BUNDLE_ENTRY}`;
  if (spec.raw !== undefined) {
    const content = Buffer.from(spec.raw);
    const digest = createHash('sha256').update(content).digest('hex');
    return {
      name,
      extension,
      link,
      digest: `sha256:${digest}`,
      source: { kind: 'raw', content, etag: `"${digest.slice(0, 32)}"` },
    };
  }
  if (spec.file !== undefined) {
    if (!extension)
      throw invalid('metadata.labels', `a file bundle must carry the extension label to find its package`);
    if (!files) throw invalid('spec.file', 'this kernel serves no extension packages');
    // The package's directory is looked up per request: it changes with upgrades and may reach this replica after the object.
    return { name, extension, link, source: { kind: 'file', extension, entry: spec.file, assets: spec.assets ?? [] } };
  }
  return { name, extension, link, source: { kind: 'url', route: urlRoute() } };
}

/** The bundles `/dist` serves, by name; replaced as objects change. */
export class JSBundleTable {
  private readonly bundles = new Map<string, CompiledBundle>();

  set(bundle: CompiledBundle): void {
    this.bundles.set(bundle.name, bundle);
  }

  delete(name: string): CompiledBundle | undefined {
    const bundle = this.bundles.get(name);
    this.bundles.delete(name);
    return bundle;
  }

  get(name: string): CompiledBundle | undefined {
    return this.bundles.get(name);
  }
}
