import { register } from 'node:module';

/** Packages an extension gets from the kernel instead of bundling them. */
export const SHARED_PACKAGES: readonly string[] = ['@nestjs/', 'rxjs', 'reflect-metadata', '@mortise/sdk'];

let registered = false;

/**
 * Installs the resolve hook once per process. Bare specifiers do not resolve
 * from an unpacked extension directory by themselves (it has no
 * `node_modules`); the hook resolves the shared ones from here instead.
 */
export function registerSharedPackages(): void {
  if (registered) return;
  registered = true;
  register('./shared-packages.hooks.js', import.meta.url, {
    data: { anchorURL: import.meta.url, packages: [...SHARED_PACKAGES] },
  });
}
