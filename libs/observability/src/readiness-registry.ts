/** One thing that must be true before the kernel takes traffic; throw (or reject) when it is not. */
export type ReadinessCheck = () => Promise<void> | void;

export interface ReadinessResult {
  name: string;
  ok: boolean;
  /** Why a check failed; short and safe to show. */
  message?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessResult[];
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(name: string, check: ReadinessCheck): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
    Promise.resolve()
      .then(check)
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

/**
 * What `/readyz` asks. The kernel adds the store ping and its own start-up;
 * controllers and extensions add theirs. Start-up is a built-in check so the
 * kernel is never ready before it finished wiring.
 */
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private started = false;

  constructor() {
    this.add('startup', () => {
      if (!this.started) throw new Error('start-up has not finished');
    });
  }

  add(name: string, check: ReadinessCheck): () => void {
    if (this.checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
    this.checks.set(name, check);
    return () => this.checks.delete(name);
  }

  markStarted(): void {
    this.started = true;
  }

  /** Called at shutdown so load balancers stop sending traffic while requests drain. */
  markStopping(): void {
    this.started = false;
  }

  async check(): Promise<ReadinessReport> {
    const checks = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<ReadinessResult> => {
        try {
          await withTimeout(name, check);
          return { name, ok: true };
        } catch (err) {
          return { name, ok: false, message: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
    return { ready: checks.every((c) => c.ok), checks };
  }
}
