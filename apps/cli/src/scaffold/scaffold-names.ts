import { CliError, ExitCode } from '../exit-codes.js';

export type ExtensionKind = 'module' | 'service';

export const EXTENSION_KINDS: readonly ExtensionKind[] = ['module', 'service'];

/** What the templates need, derived once from the name. */
export interface ScaffoldNames {
  /** `hello-world`: the extension (and npm package) name. */
  name: string;
  /** `Hello world`: the display name. */
  title: string;
  /** `HelloWorld`: the class-name stem. */
  pascal: string;
  /** `hello-world.extensions.example.com`: the API group the extension owns. */
  group: string;
  /** The SDK version the scaffold depends on. */
  sdkVersion: string;
}

const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function scaffoldNames(name: string, sdkVersion: string, group?: string): ScaffoldNames {
  if (!NAME.test(name) || name.length > 63) {
    throw new CliError(
      `"${name}" is not a valid extension name: use lower-case letters, digits and dashes, starting with a letter (at most 63)`,
      ExitCode.Usage,
    );
  }
  const words = name.split('-').filter(Boolean);
  const title = words.join(' ');
  return {
    name,
    title: title.charAt(0).toUpperCase() + title.slice(1),
    pascal: words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''),
    group: group ?? `${name}.extensions.example.com`,
    sdkVersion,
  };
}
