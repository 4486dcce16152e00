import {
  InvalidError,
  type AdmissionPlugin,
  type AdmissionRequest,
  type KindDefinition,
  type Resource,
  IAM_GROUP,
} from '@mortise/api';
import { scopeOf } from '@mortise/store';
import type { EscalationGuard } from './escalation-guard.js';
import { isAuthorizationRelevant, type RbacIndex } from './rbac-index.js';
import { ROLE_KIND_FOR_BINDING, grantScopeOf, isBindingKind, isRoleKind } from './rbac-kinds.js';
import type { BindingObject, RoleObject } from './rbac-types.js';
import { aggregateRules } from './role-aggregation.js';

/**
 * Admission for RBAC writes: escalation prevention on roles and bindings,
 * a roleRef that names an existing role of the binding's own scope, and,
 * after every write of a kind decisions depend on, an immediate update of
 * the index so this replica decides on the new state at the next request
 * (other replicas follow through the store watch).
 */
export class RbacAdmission implements AdmissionPlugin {
  readonly name = 'rbac';

  constructor(
    private readonly index: RbacIndex,
    private readonly guard: EscalationGuard,
  ) {}

  handles(kind: KindDefinition): boolean {
    return isAuthorizationRelevant({ apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind });
  }

  admit(request: AdmissionRequest): void {
    if (request.operation === 'delete' || request.kind.group !== IAM_GROUP) return;
    const { object, caller } = request;
    if (isRoleKind(object.kind)) {
      const role = object as RoleObject;
      const rules = aggregateRules(role, this.index.roleTemplates());
      this.guard.assertMayDefine(
        caller,
        object.kind,
        object.metadata.name,
        rules,
        grantScopeOf(object.kind, object.metadata),
      );
    } else if (isBindingKind(object.kind)) {
      const binding = object as BindingObject;
      const roleKind = ROLE_KIND_FOR_BINDING[object.kind];
      if (binding.roleRef.kind !== roleKind) {
        throw new InvalidError(`${object.kind} "${object.metadata.name}" is invalid`, {
          causes: [
            {
              reason: 'FieldValueNotSupported',
              field: 'roleRef.kind',
              message: `a ${object.kind} refers to a ${roleKind}`,
            },
          ],
        });
      }
      const rules = this.index.effectiveRules(roleKind, scopeOf(object) ?? '', binding.roleRef.name);
      if (!rules) {
        throw new InvalidError(`${object.kind} "${object.metadata.name}" is invalid`, {
          causes: [
            {
              reason: 'FieldValueNotFound',
              field: 'roleRef.name',
              message: `${roleKind} "${binding.roleRef.name}" does not exist in this scope`,
            },
          ],
        });
      }
      this.guard.assertMayBind(
        caller,
        roleKind,
        binding.roleRef.name,
        rules,
        grantScopeOf(object.kind, object.metadata),
      );
    }
  }

  written(request: AdmissionRequest, stored: Resource): void {
    const removed = request.operation === 'delete' && !stored.metadata.finalizers?.length;
    this.index.apply(removed ? 'DELETED' : 'MODIFIED', stored);
  }
}
