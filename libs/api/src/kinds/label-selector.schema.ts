import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, StringMap } from '../schema-types.js';

export const LabelSelectorRequirementSchema = Type.Object({
  key: Type.String(),
  operator: StringEnum(['In', 'NotIn', 'Exists', 'DoesNotExist'] as const),
  values: Type.Optional(Type.Array(Type.String())),
});

/** The Kubernetes LabelSelector: all `matchLabels` and all `matchExpressions` must hold. */
export const LabelSelectorSchema = Type.Object({
  matchLabels: Type.Optional(StringMap()),
  matchExpressions: Type.Optional(Type.Array(LabelSelectorRequirementSchema)),
});

export type LabelSelector = Static<typeof LabelSelectorSchema>;
export type LabelSelectorRequirement = Static<typeof LabelSelectorRequirementSchema>;
