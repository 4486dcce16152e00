// Writes deploy/crds/*.yaml from the kind schemas in libs/api (through
// @mortise/store's crdManifests), and the same files into the Helm chart's
// crds/. Run with `npm run generate:crds`; specs fail when the committed
// files differ from what this writes.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { crdManifests } from '@mortise/store';

const manifests = crdManifests();
for (const path of ['../deploy/crds/', '../deploy/helm/mortise/crds/']) {
  const dir = new URL(path, import.meta.url);
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(dir)) if (file.endsWith('.yaml')) rmSync(new URL(file, dir));
  for (const { fileName, content } of manifests) writeFileSync(new URL(fileName, dir), content);
}
console.log(`wrote ${manifests.length} CRDs to deploy/crds/ and deploy/helm/mortise/crds/`);
