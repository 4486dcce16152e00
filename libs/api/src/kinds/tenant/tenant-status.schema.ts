import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../schema-types.js';
import { ConditionsSchema } from '../condition.schema.js';

/** Status of a workspace or project: `Terminating` while its contents are being deleted. */
export const TenantStatusSchema = Type.Object({
  phase: Type.Optional(StringEnum(['Active', 'Terminating'] as const)),
  conditions: Type.Optional(ConditionsSchema),
});

export type TenantStatus = Static<typeof TenantStatusSchema>;
