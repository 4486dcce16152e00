import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '@mortise/api';
import { supportsBackup, type ResourceStore } from '@mortise/store';

/**
 * `POST /backups` copies the store online into `<dataDir>/backups/` while the
 * kernel keeps serving. A non-resource path: the pipeline authorizes it by a
 * `nonResourceURLs` rule, which only platform admins hold.
 */
export const BACKUPS_PATH = '/backups';

/** `2026-11-27T06:30:01.123Z` → `20261127T063001123Z`: sortable, and safe in a file name. */
function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

export function registerBackupRoutes(app: FastifyInstance, store: ResourceStore, dataDir: string): void {
  app.post(BACKUPS_PATH, async (_request, reply) => {
    if (!supportsBackup(store)) {
      throw new BadRequestError(
        'this store has no online backup; only the sqlite store does (back up the kubernetes store with the cluster, see the README)',
      );
    }
    const createdAt = new Date();
    const directory = join(dataDir, 'backups');
    await mkdir(directory, { recursive: true });
    const path = join(directory, `mortise-${fileTimestamp(createdAt)}.db`);
    await store.backup(path);
    const { size } = await stat(path);
    return reply.code(201).send({ path, sizeBytes: size, createdAt: createdAt.toISOString() });
  });
}
