import { compileSchemaValidator, type KindRegistry } from '@mortise/api';
import type { ResourceRest } from '@mortise/apiserver';
import type { Logger } from '@mortise/observability';
import { RuntimeManifestSchema } from '@mortise/runtime';

/** Kinds whose first write is on the install path: compiling their validators costs ~100 ms each cold. */
const INSTALL_KINDS = [{ group: 'extensions.mortise.io', kind: 'InstallPlan' }] as const;

export interface FirstInstallWarmUp {
  /** Settles when the warm-up has run (tests and benchmarks wait on it; the kernel does not). */
  readonly done: Promise<void>;
}

/**
 * Does, in the background once the kernel listens, the one-off work the first
 * install of a process would otherwise pay for: the InstallPlan validator
 * (~100 ms) and the manifest and default config validators (~60 ms). The
 * runtime's module resolve hook (~70–150 ms) is left to the first install:
 * its loader thread would cost every idle kernel ~12 MiB. Never on the
 * start-up path: each step yields to the event loop first, so requests that
 * arrive meanwhile are served between steps, and a failure is only logged
 * (the first install then does the work itself, as before).
 */
export function warmUpFirstInstall(rest: ResourceRest, kinds: KindRegistry, logger: Logger): FirstInstallWarmUp {
  const steps: (() => void)[] = [
    ...INSTALL_KINDS.map(({ group, kind }) => () => {
      const def = kinds.findByKind(group, kind);
      if (def) rest.prepareValidator(def);
    }),
    // The manifest check of every install, and the config check of an extension without a configSchema (~20–40 ms each).
    () => compileSchemaValidator(RuntimeManifestSchema, 'extension.yaml'),
    () => compileSchemaValidator({ type: 'object' }, 'config'),
  ];
  const done = (async () => {
    for (const step of steps) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        step();
      } catch (err) {
        logger.warn({ reason: (err as Error).message }, 'first-install warm-up step failed');
      }
    }
  })();
  return { done };
}
