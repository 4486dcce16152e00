// Writes the configuration reference (a table generated from the kernel's
// configuration schema) into README.md between its markers. Run with
// `npm run docs:config`; a spec fails when the README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigReference } from '@mortise/kernel';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, withConfigReference(readFileSync(readme, 'utf8')));
console.log('wrote the configuration reference into README.md');
