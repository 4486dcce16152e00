import { createContext, useContext } from 'react';
import type { ConsoleUser } from '../session/session.js';

/** What every page, the shell's and the extensions', knows about where it is. */
export interface ConsoleContextValue {
  user: ConsoleUser;
  workspace?: string;
  project?: string;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

/** The current user and workspace/project context; only inside the console. */
export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole() is only available inside the Mortise console');
  return value;
}
