import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { planPath } from '../install-plan-client.js';

/** `installplans/{name}/credentials` as the kernel answers it. */
interface ExtensionCredential {
  metadata: { name: string };
  status: { username: string; clientId: string; clientSecret: string; issuedAt: string };
}

export function registerCredentialsCommand(program: Command, ctx: CliContext): void {
  program
    .command('credentials')
    .description(
      "show the OAuth client credential a service extension's backend uses to call the kernel as ext:<name> (platform admins only)",
    )
    .argument('<extension>', 'an installed service extension')
    .option('--rotate', 'replace the secret: the old one and every token obtained with it stop working at once')
    .addHelpText(
      'after',
      `
The backend exchanges the client id and secret for an access token at
<kernel>/oauth/token (grant_type=client_credentials, HTTP Basic); the token
allows what the extension's manifest \`permissions\` ask for, nothing more.
Treat the output like a password: hand it to the service as a secret
(e.g. a Kubernetes Secret), never commit or log it.

Examples:
  $ mortise credentials remote-notes
  $ mortise credentials remote-notes --output json
  $ mortise credentials remote-notes --rotate`,
    )
    .action(async (name: string, options: { rotate?: boolean }) => {
      const kernel = await ctx.kernel();
      const path = `${planPath(name)}/credentials`;
      const credential = await kernel.request<ExtensionCredential>(options.rotate ? 'POST' : 'GET', path);
      const tokenEndpoint = `${kernel.server.replace(/\/$/, '')}/oauth/token`;
      ctx
        .output()
        .result({ ...credential, tokenEndpoint }, () =>
          [
            `Identity:       ${credential.status.username}`,
            `Client ID:      ${credential.status.clientId}`,
            `Client secret:  ${credential.status.clientSecret}`,
            `Issued:         ${credential.status.issuedAt}${options.rotate ? ' (just rotated)' : ''}`,
            `Token endpoint: ${tokenEndpoint} (grant_type=client_credentials)`,
          ].join('\n'),
        );
    });
}
