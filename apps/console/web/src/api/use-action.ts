import { useState } from 'react';

export interface ActionState {
  /** The kernel's message for the last failed action, until the next one starts. */
  error: string | null;
  busy: boolean;
  /** Runs `action`, then `after` when it succeeded; a failure is kept in `error`, never thrown. */
  run: (action: () => Promise<unknown>) => Promise<void>;
}

/** One button's worth of calling the API: busy while it runs, the error it gave, a refresh after success. */
export function useAction(after: () => void = () => undefined): ActionState {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      after();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}
