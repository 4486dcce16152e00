import { navigate as navigateHistory } from 'wouter/use-browser-location';

/** Moves the console to `path` (a shell or extension route) without reloading. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  navigateHistory(path, options);
}
