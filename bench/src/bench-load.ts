import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p99: number;
  requests: number;
  failed: number;
}

/** One autocannon run; `failed` counts transport errors, timeouts and non-2xx answers. */
export async function load(url: string, seconds: number, headers: Record<string, string> = {}): Promise<LoadResult> {
  const result = await autocannon({ url, connections: 32, duration: seconds, headers });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    requests: result.requests.total,
    failed: result.errors + result.timeouts + result.non2xx,
  };
}

/** Starts a run and returns a handle to stop it early and read its result. */
export function loadInBackground(url: string, headers: Record<string, string>) {
  let resolveDone: (result: LoadResult) => void = () => undefined;
  const done = new Promise<LoadResult>((resolve) => (resolveDone = resolve));
  const instance = autocannon({ url, connections: 16, duration: 3600, headers }, (err, result) => {
    if (err) throw err;
    resolveDone({
      rps: result.requests.average,
      p99: result.latency.p99,
      requests: result.requests.total,
      failed: result.errors + result.timeouts + result.non2xx,
    });
  });
  return {
    async stop(): Promise<LoadResult> {
      instance.stop();
      return done;
    },
  };
}
