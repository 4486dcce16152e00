import { useEffect, useState } from 'react';
import { Center, Loader, Title } from '@mantine/core';
import type { ExtensionRoute, RouteParams } from '../sdk/console-extension.js';
import { loadExtension, matchRoute } from './bundle-loader.js';
import { ExtensionErrorBoundary, ExtensionErrorPanel } from './extension-error-boundary.js';

interface Props {
  extension: string;
  /** The menu entry's route pattern and title. */
  route: string;
  title: string;
  path: string;
}

type Loaded = { route: ExtensionRoute; params: RouteParams } | { error: Error } | null;

/** Opens an extension's page: imports its bundle on first use, then renders the route or frames its URL. */
export function ExtensionPage({ extension, route, title, path }: Props) {
  const [loaded, setLoaded] = useState<Loaded>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    setLoaded(null);
    loadExtension(extension).then(
      (declared) => {
        if (!current) return;
        for (const candidate of declared.routes) {
          const params =
            matchRoute(candidate.path, path) ?? (candidate.path === route ? matchRoute(route, path) : undefined);
          if (params) return setLoaded({ route: candidate, params });
        }
        setLoaded({ error: new Error(`its bundle declares no page for ${path}`) });
      },
      (error: unknown) => {
        if (current) setLoaded({ error: new Error(`its bundle could not be loaded: ${(error as Error).message}`) });
      },
    );
    return () => {
      current = false;
    };
  }, [extension, route, path, attempt]);

  const retry = () => setAttempt((n) => n + 1);
  if (loaded === null) {
    return (
      <Center h={200}>
        <Loader role="status" aria-label={`Loading ${title}`} />
      </Center>
    );
  }
  if ('error' in loaded) return <ExtensionErrorPanel extension={extension} error={loaded.error} onRetry={retry} />;
  const { route: page, params } = loaded;
  const Page = page.component;
  return (
    <ExtensionErrorBoundary extension={extension} onRetry={retry}>
      <div data-extension={extension}>
        {Page ? (
          <Page params={params} />
        ) : page.iframe ? (
          <>
            <Title order={2} mb="md">
              {title}
            </Title>
            <iframe
              title={title}
              src={page.iframe(params)}
              style={{ width: '100%', height: 'calc(100vh - 180px)', border: 0 }}
            />
          </>
        ) : (
          <ExtensionErrorPanel
            extension={extension}
            error={new Error('its route has neither a component nor an iframe')}
          />
        )}
      </div>
    </ExtensionErrorBoundary>
  );
}
