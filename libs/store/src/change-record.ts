import type { Resource } from '@mortise/api';

/** One committed change, as kept in watch history (memory ring, sqlite `events` table). */
export interface ChangeRecord {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The global resourceVersion this change was committed at. */
  resourceVersion: number;
  group: string;
  kind: string;
  /** The state after the change; for DELETED the last state, carrying the deletion's resourceVersion. */
  object: Resource;
  /** The state before a MODIFIED, so watches can tell an object entering or leaving their selection. */
  previous?: Resource;
  /** Commit time, milliseconds since the epoch; drives age-based retention. */
  time: number;
}
