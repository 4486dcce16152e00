import { checkStructural, kernelKinds, toCustomResourceDefinition, type KindDefinition } from '@mortise/api';
import yaml from 'js-yaml';
import { genericObjectCustomResourceDefinition } from './generic-object.crd.js';

export interface CrdManifest {
  /** `<plural>.<group>.yaml` */
  fileName: string;
  content: string;
}

const HEADER = '# Generated from libs/api by `npm run generate:crds`; do not edit.\n';

type Crd = {
  metadata: { name: string };
  spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> }; subresources?: object }[] };
};

/**
 * The CRDs the kubernetes store needs, as the files of `deploy/crds`: one per
 * served kernel kind (internal kinds live in Secrets) and the generic
 * `objects.store.mortise.io`. Every CRD whose schema has `status` gets the
 * status subresource, which is what makes a main update ignore status on
 * the API server, as the store contract demands. Throws when a schema is
 * not structural, since the API server would refuse the CRD.
 */
export function crdManifests(kinds: readonly KindDefinition[] = kernelKinds): CrdManifest[] {
  const crds: Crd[] = [
    ...kinds.filter((def) => !def.internal).map((def) => withStatusSubresource(toCustomResourceDefinition(def) as Crd)),
    genericObjectCustomResourceDefinition() as Crd,
  ];
  return crds
    .map((crd) => {
      for (const version of crd.spec.versions) {
        const violations = checkStructural(version.schema.openAPIV3Schema);
        if (violations.length > 0) {
          const list = violations.map((v) => `${v.path}: ${v.message}`).join('; ');
          throw new Error(`CRD ${crd.metadata.name} is not structural: ${list}`);
        }
      }
      return {
        fileName: `${crd.metadata.name}.yaml`,
        content: HEADER + yaml.dump(crd, { lineWidth: 120, noRefs: true }),
      };
    })
    .sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
}

function withStatusSubresource(crd: Crd): Crd {
  for (const version of crd.spec.versions) {
    const properties = version.schema.openAPIV3Schema['properties'] as Record<string, unknown> | undefined;
    if (properties?.['status'] !== undefined) version.subresources = { status: {} };
  }
  return crd;
}
