import { manifestYaml } from './manifest-yaml.js';
import type { ScaffoldNames } from './scaffold-names.js';

/** An in-process extension: a Nest module the kernel loads, with a harness test. */
export function moduleTemplates(n: ScaffoldNames): Record<string, string> {
  return {
    'extension.yaml': `${manifestYaml(
      n,
      'module',
      `
backend:
  type: module
  module: dist/index.js
  group: ${n.group}
  apiVersion: v1
`,
    )}
configSchema:
  type: object
  properties:
    greeting:
      type: string
      minLength: 1
      default: Hello
      description: The word the extension greets with.
`,
    'src/index.ts': `import { defineExtension } from '@mortise/sdk';
import { ${n.pascal}Module, type ${n.pascal}Config } from './${n.name}.module.js';

export default defineExtension<${n.pascal}Config>({
  module: ${n.pascal}Module,
  register: ({ config }) => {
    // Checks the configSchema cannot express go here; throw with a message that names the fix.
    if (config.greeting.length > 40) throw new Error('greeting must be at most 40 characters');
  },
});
`,
    [`src/${n.name}.module.ts`]: `import { Controller, Get, Module } from '@nestjs/common';
import {
  Caller,
  InjectConfig,
  InjectIdentity,
  type ExtensionCaller,
  type ExtensionIdentity,
} from '@mortise/sdk';

export interface ${n.pascal}Config {
  greeting: string;
}

export interface Greeting {
  message: string;
  servedBy: string;
}

/** Served at /kapis/${n.group}/v1/greetings; the kernel authorizes \`list greetings\` first. */
@Controller()
export class ${n.pascal}Controller {
  constructor(
    @InjectConfig() private readonly config: ${n.pascal}Config,
    @InjectIdentity() private readonly identity: ExtensionIdentity,
  ) {}

  @Get('greetings')
  greet(@Caller() caller: ExtensionCaller): Greeting {
    return { message: \`\${this.config.greeting}, \${caller.user.username}!\`, servedBy: this.identity.version };
  }
}

@Module({ controllers: [${n.pascal}Controller] })
export class ${n.pascal}Module {}
`,
    [`src/${n.name}.test.ts`]: `import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createExtensionHarness, type ExtensionHarness } from '@mortise/sdk-testing';
import type { Greeting } from './${n.name}.module.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

describe('${n.name}', () => {
  let harness: ExtensionHarness;
  before(async () => {
    harness = await createExtensionHarness({
      directory: PACKAGE,
      users: { reader: { roleTemplates: ['${n.name}-use'] }, outsider: {} },
      config: { greeting: 'Hi' },
    });
  });
  after(() => harness.close());

  it('greets the caller by name with the configured greeting', async () => {
    const res = await harness.as('reader').get<Greeting>('greetings');
    assert.equal(res.status, 200);
    assert.equal(res.body.message, 'Hi, reader!');
    assert.equal(res.body.servedBy, '0.1.0');
  });

  it('refuses callers without the role', async () => {
    assert.equal((await harness.as('outsider').get('greetings')).status, 403);
    assert.equal((await harness.as(undefined).get('greetings')).status, 403);
  });
});
`,
  };
}
