import {
  ForbiddenError,
  InvalidError,
  type AdmissionPlugin,
  type AdmissionRequest,
  type KindDefinition,
  IAM_GROUP,
} from '@mortise/api';
import { BUILTIN_LABEL, isRoleKind } from '@mortise/authz';
import { isBuiltin } from './builtin-roles.js';

/**
 * Built-in roles stay: they cannot be deleted through the API, nor lose the
 * label that marks them (cleanup of a deleted workspace or project removes
 * them directly). Their rules may still be tuned, within escalation limits.
 */
export class BuiltinRoleProtection implements AdmissionPlugin {
  readonly name = 'builtin-role-protection';

  handles(kind: KindDefinition): boolean {
    return kind.group === IAM_GROUP && isRoleKind(kind.kind);
  }

  admit({ operation, object, oldObject }: AdmissionRequest): void {
    if (operation === 'delete' && isBuiltin(object)) {
      throw new ForbiddenError(`${object.kind} "${object.metadata.name}" is built in and cannot be deleted`, {
        kind: object.kind,
        name: object.metadata.name,
      });
    }
    if (operation === 'update' && oldObject && isBuiltin(oldObject) && !isBuiltin(object)) {
      throw new InvalidError(`${object.kind} "${object.metadata.name}" is invalid`, {
        causes: [
          {
            reason: 'FieldValueForbidden',
            field: `metadata.labels[${BUILTIN_LABEL}]`,
            message: 'a built-in role keeps its built-in label',
          },
        ],
      });
    }
  }
}
