import type { ExtensionKind, ScaffoldNames } from './scaffold-names.js';

/** The `extension.yaml` fields both kinds share: identity, then `backend` (given), then the role template. */
export function manifestYaml(n: ScaffoldNames, kind: ExtensionKind, backend: string): string {
  return `name: ${n.name}
version: 0.1.0
displayName: ${n.title}
description: ${n.title}, a${kind === 'service' ? ' remote' : ''} Mortise extension.
provider: ${n.title} authors
kernel: '>=0.1.0'
${backend.trim()}

roleTemplates:
  - name: ${n.name}-use
    displayName: Use ${n.title}
    description: Read the greeting.
    aggregateTo: [platform-regular]
    rules:
      - apiGroups: [${n.group}]
        resources: [greetings]
        verbs: [get, list]
`;
}
