import { compileSchemaValidator, type KindRegistry } from '@mortise/api';
import type { CompletedRequestObserver, ResourceRest } from '@mortise/apiserver';
import type { Logger } from '@mortise/observability';
import { RuntimeManifestSchema } from '@mortise/runtime';

/** Kinds whose first write is on the install path: compiling their validators costs ~100 ms each cold. */
const INSTALL_KINDS = [{ group: 'extensions.mortise.io', kind: 'InstallPlan' }] as const;

export interface FirstInstallWarmUp {
  /** Settles when the warm-up has run (tests and benchmarks wait on it; the kernel does not). */
  readonly done: Promise<void>;
}

/** Requests under this prefix (the marketplace, InstallPlans, ExtensionVersions, menus) say an install may follow. */
export const INSTALL_INTEREST_PREFIX = '/kapis/extensions.mortise.io/';

export interface DeferredWarmUp {
  /** Starts the warm-up unless it has started; settles when it has run. */
  start(): Promise<void>;
}

/**
 * Defers the warm-up to the first request for the extensions API: compiling
 * the validators costs an idle kernel ~10 MB of RSS (compiled code, compiler
 * memory, a grown young generation) and ~150 ms of CPU, for a first install
 * that may never come. A console or CLI looks at the marketplace or the
 * extensions before installing, so the work is done by the time the install
 * arrives. It watches the pipeline's finished requests (the RequestInfo
 * is already resolved there) rather than adding a hook of its own to every
 * request.
 */
export function warmUpOnFirstUse(
  pipeline: { observe(observer: CompletedRequestObserver): unknown },
  warmUp: () => FirstInstallWarmUp,
): DeferredWarmUp {
  let done: Promise<void> | undefined;
  const start = (): Promise<void> => (done ??= warmUp().done);
  pipeline.observe((completed) => {
    if (done === undefined && completed.info?.path.startsWith(INSTALL_INTEREST_PREFIX)) void start();
  });
  return { start };
}

/**
 * Does, in the background, the one-off work the first
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
