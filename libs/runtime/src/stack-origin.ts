import { fileURLToPath } from 'node:url';

/** Whether any frame of the error's stack lies in `directory` (as a path or a file URL). */
export function stackMentions(err: unknown, directory: string): boolean {
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  if (!stack) return false;
  const prefix = directory.endsWith('/') ? directory : `${directory}/`;
  for (const line of stack.split('\n')) {
    const match = /(file:\/\/[^\s)?:]+|\/[^\s)?:]+)/.exec(line);
    if (!match?.[1]) continue;
    const path = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
    if (path.startsWith(prefix)) return true;
  }
  return false;
}
