import type { Caller, Decision } from '@mortise/api';

/** What the request pipeline attaches to every request that reaches a handler. */
export interface PipelineRequest {
  caller: Caller;
  decision: Decision | null;
}
