import { access, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse } from 'yaml';
import type { CliContext } from '../cli-context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { npmScripts, runNpm } from '../run-npm.js';
import { publishToKernel } from '../kernel-publish.js';

/** `extension.yaml`'s name and version, to name the package file. */
async function manifestOf(directory: string): Promise<{ name: string; version: string }> {
  let text: string;
  try {
    text = await readFile(join(directory, 'extension.yaml'), 'utf8');
  } catch {
    throw new CliError(`${directory} has no extension.yaml; is it an extension project?`, ExitCode.NotFound);
  }
  const manifest = parse(text) as { name?: unknown; version?: unknown };
  if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') {
    throw new CliError(`${directory}/extension.yaml needs a name and a version`, ExitCode.Usage);
  }
  return { name: manifest.name, version: manifest.version };
}

async function privateKeyFrom(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CliError(`cannot read the key file ${file}`, ExitCode.NotFound);
  }
  if (text.includes('-----BEGIN PRIVATE KEY-----') && !text.trimStart().startsWith('{')) return text;
  const key = JSON.parse(text) as { privateKeyPem?: string };
  if (!key.privateKeyPem)
    throw new CliError(`${file} holds no private key; use the .key.json \`mortise keygen\` wrote`, ExitCode.Usage);
  return key.privateKeyPem;
}

/** The registry's package API, loaded only by the commands that use it: it pulls in the runtime and Nest. */
const registry = () => import('@mortise/registry');

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export function registerPackageCommands(program: Command, ctx: CliContext): void {
  program
    .command('package')
    .description('build the extension and pack it into a package (a tarball with a sha256 manifest of its files)')
    .argument('[dir]', 'the extension project', '.')
    .option('--out <file>', 'the package file (default: ./<name>-<version>.tgz)')
    .option('--no-build', 'do not run `npm run build` first')
    .addHelpText(
      'after',
      `
The package holds extension.yaml, package.json, README/CHANGELOG/LICENSE and
the built dist/ (tests, declarations, source maps and dotfiles stay out); the
same files always give the same bytes and digest.

Examples:
  $ mortise package
  $ mortise package ./hello --out out/hello.tgz --no-build`,
    )
    .action(async (dir: string, options: { out?: string; build: boolean }) => {
      const directory = resolve(ctx.cwd, dir);
      const output = ctx.output();
      const { name, version } = await manifestOf(directory);
      if (options.build && (await npmScripts(directory)).build !== undefined) {
        output.progress(`building ${name}…`);
        if ((await runNpm(directory, ['run', 'build'])) !== 0) throw new CliError('the build failed', ExitCode.Failed);
      }
      const file = resolve(ctx.cwd, options.out ?? `${name}-${version}.tgz`);
      const packed = await (await registry()).packExtension(directory, file);
      output.result(
        { file, name, version, digest: packed.digest, files: packed.files.length },
        () => `Packed ${name} ${version} into ${file} (${packed.files.length} files, ${packed.digest}).`,
      );
    });

  program
    .command('keygen')
    .description('make an ed25519 publisher key pair to sign packages with')
    .option(
      '--out <prefix>',
      'files <prefix>.key.json (secret, 0600), <prefix>.pub.json and <prefix>.pub.pem',
      'publisher',
    )
    .option('--force', 'overwrite existing key files')
    .addHelpText(
      'after',
      `
Kernels install only packages of publishers they trust: put <prefix>.pub.pem
in their <dataDir>/trusted-keys/ (or its PEM in registry.trustedKeys). Keep
<prefix>.key.json secret.

Examples:
  $ mortise keygen
  $ mortise keygen --out ~/.config/mortise/acme -o json`,
    )
    .action(async (options: { out: string; force?: boolean }) => {
      const prefix = resolve(ctx.cwd, options.out);
      const privateFile = `${prefix}.key.json`;
      const publicFile = `${prefix}.pub.json`;
      if (!options.force && ((await exists(privateFile)) || (await exists(publicFile)))) {
        throw new CliError(
          `${basename(privateFile)} or ${basename(publicFile)} exists; pass --force to replace the key`,
          ExitCode.Conflict,
        );
      }
      const key = (await registry()).generatePublisherKey();
      await writeFile(privateFile, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
      await writeFile(publicFile, `${JSON.stringify({ keyId: key.keyId, publicKeyPem: key.publicKeyPem }, null, 2)}\n`);
      await writeFile(`${prefix}.pub.pem`, key.publicKeyPem);
      ctx.output().result(
        {
          keyId: key.keyId,
          privateKeyFile: privateFile,
          publicKeyFile: publicFile,
          publicKeyPemFile: `${prefix}.pub.pem`,
        },
        () => `Key ${key.keyId}\n  secret: ${privateFile}\n  public: ${publicFile}`,
      );
    });

  program
    .command('sign')
    .description('sign a package with a publisher key (adds or replaces its detached ed25519 signature)')
    .argument('<package>', 'the package file')
    .requiredOption('--key <file>', 'the private key: the .key.json from keygen, or a PKCS#8 PEM')
    .option('--out <file>', 'write the signed package here instead of in place')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mortise sign hello-0.1.0.tgz --key publisher.key.json\n  $ mortise sign hello-0.1.0.tgz --key acme.key.json --out signed/hello-0.1.0.tgz',
    )
    .action(async (pkg: string, options: { key: string; out?: string }) => {
      const file = resolve(ctx.cwd, pkg);
      if (!(await exists(file))) throw new CliError(`no package at ${file}`, ExitCode.NotFound);
      const out = options.out === undefined ? file : resolve(ctx.cwd, options.out);
      const signed = await (
        await registry()
      ).signPackage(file, await privateKeyFrom(resolve(ctx.cwd, options.key)), out);
      ctx
        .output()
        .result(
          { file: out, digest: signed.digest, keyId: signed.keyId },
          () => `Signed ${out} with ${signed.keyId} (${signed.digest}).`,
        );
    });

  program
    .command('publish')
    .description('publish a package to a repository directory, or to the kernel you are logged in to')
    .argument('<package>', 'the package file')
    .option('--repository <dir>', 'a repository directory (index.json and packages/); created when missing')
    .option('--kernel', 'publish to the logged-in kernel’s local repository, then have it sync')
    .option(
      '--repository-dir <dir>',
      'with --kernel: the directory of the kernel’s file:// repository, registered as "local" when the kernel has none',
    )
    .option('--index-key <file>', 'also sign the repository index with this key')
    .option(
      '--replace',
      'replace an already published version whose package differs (versions are otherwise immutable)',
    )
    .option('--timeout <duration>', 'with --kernel: how long to wait for the sync', '2m')
    .addHelpText(
      'after',
      `
With --kernel the CLI writes into the directory of the kernel's file://
Repository (it must see that directory: the same machine or a shared volume)
and sets the Repository's sync-requested annotation, then waits until the
kernel lists the version.

Examples:
  $ mortise publish hello-0.1.0.tgz --repository /srv/mortise-repo
  $ mortise publish hello-0.1.0.tgz --kernel
  $ mortise publish hello-0.1.0.tgz --kernel --repository-dir ./data/repository`,
    )
    .action(
      async (
        pkg: string,
        options: {
          repository?: string;
          kernel?: boolean;
          repositoryDir?: string;
          indexKey?: string;
          replace?: boolean;
          timeout: string;
        },
      ) => {
        const file = resolve(ctx.cwd, pkg);
        if (!(await exists(file))) throw new CliError(`no package at ${file}`, ExitCode.NotFound);
        if ((options.repository === undefined) === (options.kernel !== true)) {
          throw new CliError('give exactly one of --repository <dir> and --kernel', ExitCode.Usage);
        }
        const publishOptions = {
          ...(options.replace ? { replace: true } : {}),
          ...(options.indexKey
            ? { signingKey: { privateKeyPem: await privateKeyFrom(resolve(ctx.cwd, options.indexKey)) } }
            : {}),
        };
        const output = ctx.output();
        if (options.repository !== undefined) {
          const repository = resolve(ctx.cwd, options.repository);
          const published = await (await registry()).publishToRepository(repository, file, publishOptions);
          output.result(
            { ...published, repository },
            () => `Published ${published.name} ${published.version} to ${repository} (${published.location}).`,
          );
          return;
        }
        const published = await publishToKernel(await ctx.kernel(), output, file, {
          publish: publishOptions,
          timeout: options.timeout,
          ...(options.repositoryDir ? { repositoryDir: resolve(ctx.cwd, options.repositoryDir) } : {}),
        });
        output.result(
          published,
          () =>
            `Published ${published.name} ${published.version} to ${published.server} (repository ${published.repository}).`,
        );
      },
    );
}
