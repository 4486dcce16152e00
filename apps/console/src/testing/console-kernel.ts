import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { parse } from 'yaml';
import type { ResourceStore } from '@mortise/store';
import { createNotesServer } from '@mortise/extension-remote-notes';
import { startTestKernel, type TestKernel } from '@mortise/kernel';

const require = createRequire(import.meta.url);

/** The directory of a workspace package, by name. */
export function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

export const ANNOUNCEMENTS_DIR = packageDir('@mortise/extension-announcements');
export const CONSOLE_FILES = join(packageDir('@mortise/console'), 'dist', 'web');

/** Puts an extension package directory in the catalogue as repository sync would: an Extension and its ExtensionVersion. */
export async function publishToCatalogue(
  store: ResourceStore,
  directory: string,
  category: string,
  overrides: { name?: string; displayName?: string; location?: string; dependencies?: Record<string, string> } = {},
): Promise<void> {
  const { location = directory, dependencies, ...fields } = overrides;
  const manifest: Record<string, string> = {
    ...(parse(readFileSync(join(directory, 'extension.yaml'), 'utf8')) as Record<string, string>),
    ...fields,
  };
  const labels = { 'extensions.mortise.io/extension': manifest['name'] };
  await store.create({
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'Extension',
    metadata: { name: manifest['name'], labels },
    spec: {
      displayName: manifest['displayName'],
      description: manifest['description'],
      provider: manifest['provider'],
      category,
      keywords: ['sample'],
    },
    status: { recommendedVersion: manifest['version'] },
  });
  await store.create({
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'ExtensionVersion',
    metadata: { name: `${manifest['name']}-${manifest['version']}`, labels },
    spec: { ...manifest, ...(dependencies ? { dependencies } : {}), location },
  });
}

export interface ConsoleKernel extends TestKernel {
  /** The remote-notes sample's service, verifying identity tokens against this kernel. */
  notesUrl: string;
}

/** A kernel serving the built console, with identity and access control on, and the remote-notes service beside it. */
export async function startConsoleKernel(): Promise<ConsoleKernel> {
  if (!existsSync(join(CONSOLE_FILES, 'index.html'))) {
    throw new Error(`the console is not built (${CONSOLE_FILES}); run \`npm run build\` first`);
  }
  const kernel = await startTestKernel({
    consoleDir: CONSOLE_FILES,
  });
  const notes: Server = createNotesServer({ identity: { issuer: kernel.url, jwksUrl: `${kernel.url}/oauth/keys` } });
  await new Promise<void>((resolve) => notes.listen(0, '127.0.0.1', resolve));
  const notesUrl = `http://127.0.0.1:${(notes.address() as AddressInfo).port}`;
  return {
    ...kernel,
    notesUrl,
    close: async () => {
      notes.closeAllConnections();
      await new Promise((resolve) => notes.close(resolve));
      await kernel.close();
    },
  };
}
