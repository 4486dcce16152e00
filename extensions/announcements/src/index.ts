import { defineExtension } from '@mortise/sdk';
import type { AnnouncementsConfig } from './announcement.js';
import { AnnouncementsModule } from './announcements.module.js';

export default defineExtension<AnnouncementsConfig>({
  module: AnnouncementsModule,
  register: ({ config }) => {
    // The schema bounds each field; this checks what a schema cannot say.
    if (config.defaultTtlHours > 24 * 366) {
      throw new Error(`defaultTtlHours ${config.defaultTtlHours} is over a year; set it to at most 8784`);
    }
  },
});
