/** Why an extension is not serving, or what last went wrong with it. */
export type FailureReason =
  | 'BootFailed'
  | 'UpgradeFailed'
  | 'HandlerError'
  | 'HandlerTimeout'
  /** Thrown or rejected outside any request (a timer, a promise nobody awaited). */
  | 'UncaughtError'
  | 'Disabled';

export interface ReadyCondition {
  type: 'Ready';
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface ExtensionFailure {
  reason: FailureReason;
  message: string;
  time: string;
}

/** The runtime's view of one installed extension, for the registry's status and for operators. */
export interface ExtensionStatus {
  name: string;
  group: string;
  /** The version serving requests; absent when none does. */
  version?: string;
  directory: string;
  enabled: boolean;
  conditions: ReadyCondition[];
  lastFailure?: ExtensionFailure;
  /** Faults since install (handler errors, timeouts, boot failures). */
  failures: number;
}

export type StatusListener = (status: Readonly<ExtensionStatus>) => void;

/**
 * Keeps one extension's status and tells listeners when it changes. A fault
 * sets Ready=False with its reason; the next good answer sets it back, so the
 * condition says whether the extension currently serves well.
 */
export class ExtensionStatusRecord {
  private readonly status: ExtensionStatus;

  constructor(
    init: Pick<ExtensionStatus, 'name' | 'group' | 'directory'>,
    private readonly notify: StatusListener,
  ) {
    this.status = { ...init, enabled: true, conditions: [], failures: 0 };
  }

  snapshot(): ExtensionStatus {
    return structuredClone(this.status);
  }

  serving(version: string, directory: string): void {
    this.status.version = version;
    this.status.directory = directory;
    this.status.enabled = true;
    this.setReady('True', 'Serving', `version ${version} is serving`);
  }

  /** A good answer after a fault clears Ready=False. Cheap when already ready. */
  recovered(): void {
    const ready = this.status.conditions[0];
    if (ready?.status === 'False' && this.status.version !== undefined && this.status.enabled) {
      this.setReady('True', 'Serving', `version ${this.status.version} is serving`);
    }
  }

  fail(reason: FailureReason, message: string, stillServing: boolean): void {
    this.status.failures++;
    this.status.lastFailure = { reason, message, time: new Date().toISOString() };
    if (!stillServing || reason === 'HandlerError' || reason === 'HandlerTimeout' || reason === 'UncaughtError') {
      this.setReady('False', reason, message);
    } else {
      this.notify(this.snapshot());
    }
  }

  stopped(reason: 'Disabled' | 'BootFailed', message: string): void {
    if (reason === 'Disabled') this.status.enabled = false;
    delete this.status.version;
    this.setReady('False', reason, message);
  }

  private setReady(status: 'True' | 'False', reason: string, message: string): void {
    const current = this.status.conditions[0];
    const changed = current?.status !== status;
    this.status.conditions = [
      {
        type: 'Ready',
        status,
        reason,
        message,
        lastTransitionTime: changed || !current ? new Date().toISOString() : current.lastTransitionTime,
      },
    ];
    this.notify(this.snapshot());
  }
}
