import { Type } from '@sinclair/typebox';
import { FreeFormObject, StringEnum, Timestamp } from '../../schema-types.js';
import { ConditionsSchema } from '../condition.schema.js';
import { defineKernelKind, type ResourceOf, EXTENSIONS_GROUP, ResourceSchema } from '../define-kind.js';

export const INSTALL_PLAN_STATES = [
  'Pending',
  'Downloading',
  'Installing',
  'Installed',
  'Upgrading',
  'Uninstalling',
  'Uninstalled',
  'InstallFailed',
  'UpgradeFailed',
  'UninstallFailed',
] as const;

export type InstallPlanState = (typeof INSTALL_PLAN_STATES)[number];

/** The wish to have one extension installed; named after the extension. */
export const InstallPlanSchema = ResourceSchema({
  spec: Type.Object({
    extension: Type.Object({
      name: Type.String({ minLength: 1 }),
      version: Type.String({ minLength: 1 }),
    }),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    /** Validated against the version's `configSchema` by the install controller. */
    config: Type.Optional(FreeFormObject()),
    /** Workspaces the extension is enabled for; absent means all. */
    workspaces: Type.Optional(Type.Array(Type.String())),
    upgradeStrategy: Type.Optional(StringEnum(['Manual', 'Automatic'] as const, { default: 'Manual' })),
  }),
  status: Type.Optional(
    Type.Object({
      state: Type.Optional(StringEnum(INSTALL_PLAN_STATES)),
      /** The version currently installed and serving. */
      version: Type.Optional(Type.String()),
      observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
      conditions: Type.Optional(ConditionsSchema),
      stateHistory: Type.Optional(
        Type.Array(
          Type.Object({
            state: StringEnum(INSTALL_PLAN_STATES),
            lastTransitionTime: Timestamp(),
            message: Type.Optional(Type.String()),
          }),
        ),
      ),
    }),
  ),
});

export type InstallPlan = ResourceOf<typeof InstallPlanSchema>;

export const InstallPlanKind = defineKernelKind({
  group: EXTENSIONS_GROUP,
  kind: 'InstallPlan',
  plural: 'installplans',
  scope: 'global',
  schema: InstallPlanSchema,
});
