import type { Resource } from '@mortise/sdk';

export const ANNOUNCEMENT = 'Announcement';

export type Severity = 'info' | 'warning' | 'critical';

export interface Announcement extends Resource {
  spec: { title: string; body?: string; severity: Severity; expiresAt?: string };
  status?: { acknowledgedBy?: string[] };
}

export interface AnnouncementsConfig {
  maxActivePerProject: number;
  defaultTtlHours: number;
}

/** What `POST .../broadcasts` takes. */
export interface BroadcastInput {
  title: string;
  body?: string;
  severity?: Severity;
  ttlHours?: number;
}

/** One line of a member's inbox. */
export interface InboxItem {
  name: string;
  title: string;
  body?: string;
  severity: Severity;
  expiresAt?: string;
  acknowledged: boolean;
}

export interface Inbox {
  kind: 'Inbox';
  project: string;
  /** The extension version that answered (the console shows it in its about box). */
  servedBy: string;
  canPublish: boolean;
  items: InboxItem[];
}
