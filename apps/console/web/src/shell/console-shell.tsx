import {
  AppShell,
  Burger,
  Center,
  Group,
  Loader,
  Menu,
  NavLink,
  ScrollArea,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { ConsoleContext } from '../sdk/console-context.js';
import type { ConsoleUser, Session } from '../session/session.js';
import { matchRoute } from '../extensions/bundle-loader.js';
import { ExtensionPage } from '../extensions/extension-page.js';
import { navigate } from '../sdk/navigation.js';
import { scopeOf } from './console-context-scope.js';
import { useKernelAccess, type KernelAccess } from './use-access.js';
import { useMenus, type MenuItem } from './use-menus.js';
import { WorkspacesPage } from '../pages/workspaces-page.js';
import { WorkspacePage } from '../pages/workspace-page.js';
import { ProjectPage } from '../pages/project-page.js';
import { UsersPage } from '../pages/users-page.js';
import { AccountPage } from '../pages/account-page.js';
import { AuditPage } from '../pages/audit-page.js';
import { MarketplacePage } from '../pages/marketplace-page.js';
import { NotFoundPage } from '../pages/not-found-page.js';

interface NavEntry {
  key: string;
  label: string;
  href: string;
}

const SIDEBARS = { workspace: 'workspace.sidebar', project: 'project.sidebar' } as const;

function fill(route: string, scope: { workspace?: string; project?: string }): string | undefined {
  let missing = false;
  const path = route.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = name === 'workspace' ? scope.workspace : name === 'project' ? scope.project : undefined;
    if (value === undefined) missing = true;
    return encodeURIComponent(value ?? '');
  });
  return missing ? undefined : path;
}

/** The navigation: the kernel's pages this user may use, then the extension entries the menus API gives them. */
function navigation(access: KernelAccess, items: MenuItem[], scope: { workspace?: string; project?: string }) {
  const sections: Array<{ title: string; entries: NavEntry[] }> = [];
  const entriesOf = (filter: (item: MenuItem) => boolean): NavEntry[] =>
    items
      .filter((item) => item.route && filter(item))
      .flatMap((item) => {
        const href = fill(item.route!, scope);
        return href ? [{ key: `${item.extension}/${item.name}`, label: item.title, href }] : [];
      });
  if (scope.project) {
    sections.push({
      title: `Project ${scope.project}`,
      entries: [
        { key: 'project', label: 'Overview', href: `/projects/${encodeURIComponent(scope.project)}` },
        ...entriesOf((item) => item.parent === SIDEBARS.project),
      ],
    });
  }
  if (scope.workspace) {
    sections.push({
      title: `Workspace ${scope.workspace}`,
      entries: [
        { key: 'workspace', label: 'Overview', href: `/workspaces/${encodeURIComponent(scope.workspace)}` },
        ...entriesOf((item) => item.parent === SIDEBARS.workspace),
      ],
    });
  }
  const platform: NavEntry[] = [{ key: 'workspaces', label: 'Workspaces', href: '/workspaces' }];
  if (access.browseMarketplace) platform.push({ key: 'marketplace', label: 'Marketplace', href: '/marketplace' });
  if (access.manageUsers) platform.push({ key: 'users', label: 'Users', href: '/users' });
  if (access.listAudit) platform.push({ key: 'audit', label: 'Audit log', href: '/audit' });
  platform.push(...entriesOf((item) => item.parent !== SIDEBARS.project && item.parent !== SIDEBARS.workspace));
  sections.push({ title: 'Platform', entries: platform });
  return sections;
}

/** The logged-in console: header, navigation from the menus, and the page for the current path. */
export function ConsoleShell({ session, user }: { session: Session; user: ConsoleUser }) {
  const [location] = useLocation();
  const [opened, { toggle }] = useDisclosure();
  const scope = scopeOf(location);
  const access = useKernelAccess(user.username);
  const menus = useMenus(scope);
  const sections = navigation(access, menus.items, scope);
  const extensions = [...new Set(menus.items.map((item) => item.extension))];
  const extensionItem = menus.items.find((item) => item.route && matchRoute(item.route, location));

  return (
    <ConsoleContext.Provider value={{ user, ...scope }}>
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
        padding="lg"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between">
            <Group>
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
              <Title order={1} size="h4">
                <Link href="/workspaces" style={{ color: 'inherit', textDecoration: 'none' }}>
                  Mortise
                </Link>
              </Title>
            </Group>
            <Menu position="bottom-end">
              <Menu.Target>
                <UnstyledButton data-testid="user-menu">
                  <Text fw={500}>{user.displayName ?? user.username}</Text>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item onClick={() => navigate('/account')}>My account</Menu.Item>
                <Menu.Item
                  color="red"
                  onClick={() => void session.logout().then(() => navigate('/login', { replace: true }))}
                >
                  Log out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" aria-label="Main navigation" component="nav">
          <ScrollArea>
            {sections.map((section) => (
              <div key={section.title} role="group" aria-label={section.title}>
                <Text size="xs" c="dimmed" fw={700} tt="uppercase" px="sm" pt="md" pb={4}>
                  {section.title}
                </Text>
                {section.entries.map((entry) => (
                  <NavLink
                    key={entry.key}
                    component={Link}
                    href={entry.href}
                    label={entry.label}
                    active={location === entry.href}
                    variant="filled"
                    aria-current={location === entry.href ? 'page' : undefined}
                  />
                ))}
              </div>
            ))}
          </ScrollArea>
        </AppShell.Navbar>
        <AppShell.Main>
          <Switch>
            <Route path="/">
              <Redirect to="/workspaces" replace />
            </Route>
            <Route path="/login">
              <Redirect to="/workspaces" replace />
            </Route>
            <Route path="/workspaces">
              <WorkspacesPage canCreate={access.createWorkspaces} />
            </Route>
            <Route path="/workspaces/:workspace">
              {(params) => <WorkspacePage workspace={params.workspace} extensions={extensions} />}
            </Route>
            <Route path="/projects/:project">
              {(params) => <ProjectPage project={params.project} extensions={extensions} />}
            </Route>
            <Route path="/users">
              <UsersPage />
            </Route>
            <Route path="/account">
              <AccountPage user={user} />
            </Route>
            <Route path="/audit">
              <AuditPage />
            </Route>
            <Route path="/marketplace">
              <MarketplacePage canManage={access.manageExtensions} />
            </Route>
            <Route>
              {extensionItem ? (
                <ExtensionPage
                  key={extensionItem.extension}
                  extension={extensionItem.extension}
                  route={extensionItem.route!}
                  title={extensionItem.title}
                  path={location}
                />
              ) : menus.loaded ? (
                <NotFoundPage />
              ) : (
                <Center h={200}>
                  <Loader role="status" aria-label="Loading the menus" />
                </Center>
              )}
            </Route>
          </Switch>
        </AppShell.Main>
      </AppShell>
    </ConsoleContext.Provider>
  );
}
