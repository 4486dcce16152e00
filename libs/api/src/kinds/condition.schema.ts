import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Timestamp } from '../schema-types.js';

/** A Kubernetes-style condition: the latest observation of one aspect of an object. */
export const ConditionSchema = Type.Object({
  /** CamelCase, e.g. `Ready`, `Available`. */
  type: Type.String({ minLength: 1 }),
  status: StringEnum(['True', 'False', 'Unknown'] as const),
  /** CamelCase machine-readable reason for the last transition. */
  reason: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  lastTransitionTime: Type.Optional(Timestamp()),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
});

export type Condition = Static<typeof ConditionSchema>;

export const ConditionsSchema = Type.Array(ConditionSchema);
