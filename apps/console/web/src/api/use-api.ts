import { useCallback, useEffect, useState } from 'react';
import { apiJson } from './api-client.js';

export interface ApiState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` (none when null) and keeps the answer; `reload()` asks again. */
export function useApi<T>(path: string | null): ApiState<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: path !== null });
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    apiJson<T>(path).then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ error: error as Error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [path, round]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** A Kubernetes-shaped object, as far as the console's tables read it. */
export interface Resource<Spec = Record<string, unknown>, Status = Record<string, unknown>> {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    workspace?: string;
    namespace?: string;
    creationTimestamp?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Spec;
  status?: Status;
}

export interface List<T> {
  items: T[];
}
