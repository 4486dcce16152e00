import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { gatewayObjects } from '@mortise/extension-remote-notes';
import { TEST_ADMIN_PASSWORD } from '@mortise/kernel';
import { launchBrowser, screenshot, seriousViolations } from '../testing/browser.js';
import {
  ANNOUNCEMENTS_DIR,
  publishToCatalogue,
  startConsoleKernel,
  type ConsoleKernel,
} from '../testing/console-kernel.js';

const EXTENSIONS = '/kapis/extensions.mortise.io/v1';
const PLURALS: Record<string, string> = {
  APIService: 'apiservices',
  ReverseProxy: 'reverseproxies',
  JSBundle: 'jsbundles',
  ExtensionEntry: 'extensionentries',
};
const EXTENSION_LABEL = 'extensions.mortise.io/extension';

async function login(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('Username').fill(username);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function assertAccessible(page: Page, what: string): Promise<void> {
  assert.deepEqual(await seriousViolations(page), [], `${what} has no serious or critical accessibility violations`);
}

describe('the console in a browser', () => {
  let k: ConsoleKernel;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let market: Page;
  const nav = () => page.getByRole('navigation', { name: 'Main navigation' });

  before(async () => {
    k = await startConsoleKernel();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });
  after(async () => {
    await browser?.close();
    await k?.close();
  });

  it('serves the shell at / and keeps the API paths for the kernel', async () => {
    const shell = await fetch(`${k.url}/`);
    assert.equal(shell.status, 200);
    assert.match(await shell.text(), /<script type="importmap">/);
    const api = await fetch(`${k.url}/kapis/tenant.mortise.io/v1/workspaces`);
    assert.equal(api.status, 401, 'API paths still need a credential');
    const missing = await fetch(`${k.url}/kapis`, { headers: { authorization: `Bearer ${k.adminToken}` } });
    assert.equal(missing.headers.get('content-type')?.startsWith('application/json'), true);
    const { exact, prefixes } = k.kernel.pipeline.publicRoutes.list();
    for (const path of [...exact, ...prefixes]) {
      assert.doesNotMatch(path, /^\/(kapis|apis|proxy)\b/, `${path} is public, and no API path may be`);
    }
    const anonymous = await fetch(`${k.url}/not-a-console-page`, { headers: { accept: 'text/html' } });
    assert.equal(anonymous.status, 401, 'only the console’s own paths are public');
    const shared = await fetch(`${k.url}/console/shared/react.js`);
    assert.equal(shared.status, 200);
    assert.match(shared.headers.get('content-type') ?? '', /javascript/);
  });

  it('shows the kernel’s message for a locked account', async () => {
    await k.call('POST', '/kapis/iam.mortise.io/v1/users', {
      body: { metadata: { name: 'mallory' }, spec: { email: 'mallory@example.com', password: 'mallory password' } },
    });
    for (let i = 0; i < 5; i++) {
      await fetch(`${k.url}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: 'console',
          username: 'mallory',
          password: 'wrong',
        }),
      });
    }
    await login(page, k.url, 'mallory', 'mallory password');
    await page.getByRole('alert').getByText('temporarily locked').waitFor();
    await assertAccessible(page, 'the login page');
    await screenshot(page, 'login');
  });

  it('logs in through the console client and lands on the workspaces', async () => {
    await login(page, k.url, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
    const cookies = await context.cookies();
    assert.ok(cookies.some((c) => c.name === 'mortise_session' && c.httpOnly));
    assert.ok(cookies.some((c) => c.name === 'mortise_csrf' && !c.httpOnly));
  });

  it('moves through the shell by keyboard', async () => {
    let reached = '';
    for (let i = 0; i < 12 && reached !== 'Users'; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    }
    assert.equal(reached, 'Users', 'Tab reaches the navigation');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('cell', { name: 'mallory', exact: true }).waitFor();
    await assertAccessible(page, 'the users page');
  });

  it('creates a workspace and a project, and adds a member', async () => {
    await nav().getByRole('link', { name: 'Workspaces' }).click();
    await page.getByRole('button', { name: 'Create workspace' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('team');
    await dialog.getByLabel('Description').fill('The team');
    await dialog.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('link', { name: 'team' }).click();
    await page.getByRole('heading', { name: 'Workspace team' }).waitFor();
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('web');
    await page.getByRole('dialog').getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('link', { name: 'web' }).waitFor();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await assertAccessible(page, 'the workspace page');
    await screenshot(page, 'workspace');
    await page.getByRole('tab', { name: 'Members' }).click();
    await page.getByLabel('Username').fill('mallory');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('cell', { name: 'mallory', exact: true }).waitFor();
    const members = await k.call('GET', '/kapis/tenant.mortise.io/v1/workspaces/team/members');
    assert.ok(members.body.items.some((m: { username: string }) => m.username === 'mallory'));
    await page.getByRole('tab', { name: 'Projects' }).click();
    await page.getByRole('link', { name: 'web' }).click();
    await page.getByRole('heading', { name: 'Project web' }).waitFor();
    await assertAccessible(page, 'the project page');
  });

  it('installs the sample from the marketplace and follows its InstallPlan to Installed', async () => {
    await publishToCatalogue(k.kernel.store, ANNOUNCEMENTS_DIR, 'Collaboration');
    assert.equal(await nav().getByRole('link', { name: 'Announcements' }).count(), 0);
    market = await context.newPage();
    market.setDefaultTimeout(10_000);
    await market.goto(`${k.url}/marketplace`);
    await market.getByLabel('Search').fill('announce');
    await market.getByRole('button', { name: 'Details of Announcements' }).click();
    const drawer = market.getByRole('dialog');
    await drawer.getByText('Per-project announcements').waitFor();
    await drawer.getByRole('button', { name: 'Install 1.0.0' }).click();
    await drawer.getByRole('progressbar', { name: 'Install progress: Installed' }).waitFor({ timeout: 30_000 });
    const plan = await k.call('GET', `${EXTENSIONS}/installplans/announcements`);
    assert.equal(plan.body.status.state, 'Installed');
    await assertAccessible(market, 'the marketplace');
    await screenshot(market, 'marketplace');
    await market.keyboard.press('Escape');
  });

  it('shows why an install failed, and retries it', async () => {
    await publishToCatalogue(k.kernel.store, ANNOUNCEMENTS_DIR, 'Collaboration', {
      name: 'ghost',
      displayName: 'Ghost',
      location: '/nonexistent/ghost-package',
    });
    await market.getByLabel('Search').fill('ghost');
    await market.getByRole('button', { name: 'Details of Ghost' }).click();
    const drawer = market.getByRole('dialog');
    await drawer.getByRole('button', { name: 'Install 1.0.0' }).click();
    const failure = drawer.getByRole('alert');
    await failure.getByText('InstallFailed').waitFor({ timeout: 30_000 });
    assert.match((await failure.textContent()) ?? '', /ghost-package|not|no such/i, 'the reason is shown');
    await failure.getByRole('button', { name: 'Retry' }).click();
    await waitFor(async () => {
      const plan = await k.call('GET', `${EXTENSIONS}/installplans/ghost`);
      return plan.body.metadata.annotations?.['extensions.mortise.io/retry'] !== undefined;
    });
    await drawer.getByRole('button', { name: 'Uninstall' }).click();
    await drawer.getByRole('button', { name: 'Install 1.0.0' }).waitFor({ timeout: 30_000 });
    await market.keyboard.press('Escape');
    await market.getByLabel('Search').fill('');
  });

  it('says what a dependency the kernel installed is for, and keeps it on request', async () => {
    const failing = (name: string) => ({ name, displayName: name, location: `/nonexistent/${name}-package` });
    await publishToCatalogue(k.kernel.store, ANNOUNCEMENTS_DIR, 'Collaboration', failing('crier'));
    await publishToCatalogue(k.kernel.store, ANNOUNCEMENTS_DIR, 'Collaboration', {
      ...failing('town'),
      dependencies: { crier: '^1.0.0' },
    });
    const town = { metadata: { name: 'town' }, spec: { extension: { name: 'town', version: '1.0.0' } } };
    assert.equal((await k.call('POST', `${EXTENSIONS}/installplans`, { body: town })).status, 201);
    await market.getByLabel('Search').fill('crier');
    await market.getByRole('button', { name: 'Details of crier' }).click();
    const drawer = market.getByRole('dialog');
    await drawer.getByText(/Installed automatically for town/).waitFor({ timeout: 30_000 });
    await assertAccessible(market, 'the note on an auto-installed extension');
    await drawer.getByRole('button', { name: 'Keep installed' }).click();
    await waitFor(async () => {
      const plan = await k.call('GET', `${EXTENSIONS}/installplans/crier`);
      return plan.body.metadata.labels?.['extensions.mortise.io/auto-installed'] === undefined;
    });
    await drawer.getByText(/Installed automatically/).waitFor({ state: 'detached' });
    for (const name of ['town', 'crier']) {
      await k.call('DELETE', `${EXTENSIONS}/installplans/${name}`);
      await waitFor(async () => (await k.call('GET', `${EXTENSIONS}/installplans/${name}`)).status === 404, 30_000);
    }
    await market.keyboard.press('Escape');
    await market.getByLabel('Search').fill('');
  });

  it('shows the installed extension’s menu in an open console without a reload, and opens its page', async () => {
    // The install published the sample's JSBundle; /dist serves it from the installed package.
    const bundle = await k.call('GET', `${EXTENSIONS}/jsbundles/announcements`);
    assert.equal(bundle.body.metadata.labels[EXTENSION_LABEL], 'announcements');
    const script = await fetch(`${k.url}/dist/announcements/index.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    const link = nav().getByRole('link', { name: 'Announcements' });
    await link.waitFor();
    const started = performance.now();
    await link.click();
    await page.getByRole('heading', { name: 'Announcements of web' }).waitFor();
    console.log(`extension page opened in ${Math.round(performance.now() - started)} ms (bundle not cached)`);

    await page.getByLabel('Title').fill('Maintenance tonight');
    await page.getByLabel('Message').fill('The database restarts at 22:00.');
    await page.getByLabel('Severity').selectOption('warning');
    await page.getByRole('button', { name: 'Publish' }).click();
    const card = page.getByTestId('announcement').filter({ hasText: 'Maintenance tonight' });
    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await card.getByText('Acknowledged').waitFor();
    await assertAccessible(page, 'the announcements page');
    await screenshot(page, 'announcements');

    await nav().getByRole('link', { name: 'Overview' }).first().click();
    await page.getByText('No unread announcements.').waitFor();
    const again = performance.now();
    await nav().getByRole('link', { name: 'Announcements' }).click();
    await page.getByRole('heading', { name: 'Announcements of web' }).waitFor();
    console.log(`extension page opened in ${Math.round(performance.now() - again)} ms (bundle loaded before)`);
  });

  it('embeds the remote extension’s page through its ReverseProxy', async () => {
    for (const object of gatewayObjects(k.notesUrl)) {
      const res = await k.call('POST', `${EXTENSIONS}/${PLURALS[object.kind]}`, { body: object });
      assert.equal(res.status, 201, res.text);
    }
    await page.goto(`${k.url}/workspaces/team`);
    await nav().getByRole('link', { name: 'Notes' }).click();
    const frame = page.frameLocator('iframe[title="Notes"]');
    await frame.getByText('Signed in as').waitFor();
    assert.equal(await frame.locator('b').textContent(), 'admin');
    await screenshot(page, 'remote-notes');
  });

  it('keeps the shell up when a bundle throws, naming the extension', async () => {
    const labels = { [EXTENSION_LABEL]: 'broken' };
    await k.call('POST', `${EXTENSIONS}/jsbundles`, {
      body: { metadata: { name: 'broken', labels }, spec: { raw: 'throw new Error("broken on purpose");' } },
    });
    await k.call('POST', `${EXTENSIONS}/extensionentries`, {
      body: {
        metadata: { name: 'broken', labels },
        spec: { entries: [{ name: 'broken', title: 'Broken', route: '/ext/broken' }] },
      },
    });
    await nav().getByRole('link', { name: 'Broken' }).click();
    const panel = page.getByTestId('extension-error');
    await panel.getByText('The extension "broken" failed').waitFor();
    await nav().getByRole('link', { name: 'Workspaces' }).click();
    await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
  });

  it('restores the session from the refresh token when the access cookie is gone', async () => {
    const cookies = (await context.cookies()).filter((c) => c.name !== 'mortise_session');
    await context.clearCookies();
    await context.addCookies(cookies);
    const refreshed = page.waitForRequest(
      (r) => r.url().endsWith('/oauth/token') && /refresh_token/.test(r.postData() ?? ''),
    );
    await page.reload();
    await refreshed;
    await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
  });

  it('shows my account: password change and an API key shown once', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'My account' }).click();
    await page.getByRole('menu').waitFor({ state: 'detached' });
    await page.getByLabel('Description').fill('ci');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const secret = (await page.getByTestId('new-api-key').textContent()) ?? '';
    assert.match(secret, /^mrt_/);
    const withKey = await fetch(`${k.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(withKey.status, 200, 'the key shown works');
    await assertAccessible(page, 'the account page');
    await screenshot(page, 'account');
    await page.reload();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    assert.equal(await page.getByTestId('new-api-key').count(), 0, 'the key is not shown again');
  });

  it('shows the audit log to an admin', async () => {
    await nav().getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'create workspaces' }).first().waitFor();
    await assertAccessible(page, 'the audit page');
    await screenshot(page, 'audit');
  });

  it('hides the menu from a user without the permission, whose API calls get 403', async () => {
    await k.call('POST', '/kapis/iam.mortise.io/v1/users', {
      body: { metadata: { name: 'bob' }, spec: { email: 'bob@example.com', password: 'bob password' } },
    });
    const bobContext = await browser.newContext();
    const bob = await bobContext.newPage();
    try {
      await login(bob, k.url, 'bob', 'bob password');
      await bob.getByRole('heading', { name: 'Workspaces' }).waitFor();
      await bob.goto(`${k.url}/projects/web`);
      await bob.getByRole('heading', { name: 'Project web' }).waitFor();
      const bobNav = bob.getByRole('navigation', { name: 'Main navigation' });
      await bobNav.getByRole('link', { name: 'Overview' }).waitFor();
      assert.equal(await bobNav.getByRole('link', { name: 'Announcements' }).count(), 0);
      assert.equal(await bobNav.getByRole('link', { name: 'Users' }).count(), 0, 'no admin pages either');
      const status = await bob.evaluate(async () => {
        const res = await fetch('/kapis/announcements.samples.mortise.io/v1/namespaces/web/inbox');
        return res.status;
      });
      assert.equal(status, 403);
    } finally {
      await bobContext.close();
    }
  });

  it('uninstalls from the marketplace, and the menu goes without a reload', async () => {
    await page.goto(`${k.url}/projects/web`);
    await nav().getByRole('link', { name: 'Announcements' }).waitFor();
    await market.getByRole('button', { name: 'Details of Announcements' }).click();
    await market.getByRole('dialog').getByRole('button', { name: 'Uninstall' }).click();
    await market.getByRole('dialog').getByRole('button', { name: 'Install 1.0.0' }).waitFor({ timeout: 30_000 });
    await nav().getByRole('link', { name: 'Announcements' }).waitFor({ state: 'detached' });
    await k.call('DELETE', `${EXTENSIONS}/jsbundles/announcements`);
  });

  it('logs out', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const res = await page.evaluate(async () => (await fetch('/oauth/userinfo')).status);
    assert.equal(res, 401);
  });
});
