import { rm } from 'node:fs/promises';
import type { Command } from 'commander';
import { readCliConfig, writeCliConfig, type CliCredentials } from '../cli-config.js';
import type { CliContext } from '../cli-context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { KernelClient } from '../kernel-client.js';
import { normalizeServer, tokenGrant } from '../oauth-grant.js';
import { promptSecret, readStdin } from './read-secret.js';

interface LoginOptions {
  username?: string;
  passwordStdin?: boolean;
  apiKey?: string;
}

/** `/oauth/userinfo`: who the stored credential is. */
export interface UserInfo {
  sub?: string;
  preferred_username?: string;
  name?: string;
}

export function registerLoginCommands(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('log in to a kernel (OAuth password grant, or an API key) and remember it')
    .argument('<server>', 'the kernel URL, e.g. http://127.0.0.1:8080')
    .option('-u, --username <name>', 'user for the password grant (default: $MORTISE_USERNAME)')
    .option('--password-stdin', 'read the password from stdin (default: $MORTISE_PASSWORD, else a prompt)')
    .option('--api-key <key>', 'log in with an API key (mrt_…) instead; also $MORTISE_API_KEY')
    .addHelpText(
      'after',
      `
The token and URL are stored in $MORTISE_CONFIG_DIR/config.json (mode 0600);
an expired access token is refreshed with the stored refresh token.

Examples:
  $ mortise login http://127.0.0.1:8080 --username admin
  $ echo "$PW" | mortise login https://console.example.com -u alice --password-stdin
  $ MORTISE_API_KEY=mrt_... mortise login https://console.example.com`,
    )
    .action(async (server: string, options: LoginOptions) => {
      const url = normalizeServer(server);
      const apiKey = options.apiKey ?? ctx.env.MORTISE_API_KEY;
      let credentials: CliCredentials;
      if (apiKey) {
        credentials = { server: url, type: 'apiKey', accessToken: apiKey };
      } else {
        const username = options.username ?? ctx.env.MORTISE_USERNAME;
        if (!username) throw new CliError('give --username (or --api-key)', ExitCode.Usage);
        const password = options.passwordStdin
          ? await readStdin()
          : (ctx.env.MORTISE_PASSWORD ?? (await promptSecret(`Password for ${username}: `)));
        credentials = await tokenGrant(url, { grant_type: 'password', username, password }, username);
      }
      const file = ctx.configFile();
      const config = await readCliConfig(file);
      await writeCliConfig(file, { ...config, current: credentials });
      // Prove the credential works (an API key is only checked here) and learn the user's name.
      const who = await whoAmI(await ctx.kernel()).catch(async (err: unknown) => {
        await writeCliConfig(file, config);
        throw err;
      });
      const username = who.preferred_username ?? who.sub ?? credentials.username ?? '';
      if (credentials.username === undefined && username !== '') {
        await writeCliConfig(file, { ...config, current: { ...credentials, username } });
      }
      ctx
        .output()
        .result({ server: url, username, type: credentials.type }, () => `Logged in to ${url} as ${username}.`);
    });

  program
    .command('logout')
    .description('forget the stored credential')
    .addHelpText('after', '\nExample:\n  $ mortise logout')
    .action(async () => {
      const file = ctx.configFile();
      const config = await readCliConfig(file);
      const server = config.current?.server;
      if (server === undefined) await rm(file, { force: true });
      else await writeCliConfig(file, {});
      ctx.output().result({ server: server ?? null }, () => (server ? `Logged out of ${server}.` : 'Not logged in.'));
    });
}

export function whoAmI(kernel: KernelClient): Promise<UserInfo> {
  return kernel.request<UserInfo>('GET', '/oauth/userinfo');
}
