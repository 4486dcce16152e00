import { fileURLToPath } from 'node:url';

/** The repository root, from `deploy/dist/`. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
