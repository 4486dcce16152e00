// Writes deploy/crds/*.yaml from the kind schemas in libs/api (through
// @mortise/store's crdManifests). Run with `npm run generate:crds`; a spec
// fails when the committed files differ from what this writes.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { crdManifests } from '@mortise/store';

const dir = new URL('../deploy/crds/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const file of readdirSync(dir)) if (file.endsWith('.yaml')) rmSync(new URL(file, dir));
const manifests = crdManifests();
for (const { fileName, content } of manifests) writeFileSync(new URL(fileName, dir), content);
console.log(`wrote ${manifests.length} CRDs to deploy/crds/`);
