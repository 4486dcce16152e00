import { useEffect, useState } from 'react';
import { watchJsonLines } from '../api/api-client.js';
import { forgetExtension } from '../extensions/bundle-loader.js';

/** One entry of `GET /kapis/extensions.mortise.io/v1/menus`, already filtered for this user. */
export interface MenuItem {
  name: string;
  extension: string;
  title: string;
  icon?: string;
  route?: string;
  parent?: string;
  order?: number;
}

export const MENUS_PATH = '/kapis/extensions.mortise.io/v1/menus';

interface MenusState {
  items: MenuItem[];
  loaded: boolean;
}

/**
 * The menu entries this user may use where they are, kept current by the
 * menus watch: an extension installed or removed, or a role changed, shows
 * at once without a reload.
 */
export function useMenus(scope: { workspace?: string; project?: string }): MenusState {
  const [state, setState] = useState<MenusState>({ items: [], loaded: false });
  const query = new URLSearchParams({ watch: 'true' });
  if (scope.workspace) query.set('workspace', scope.workspace);
  if (scope.project) query.set('project', scope.project);
  const path = `${MENUS_PATH}?${query.toString()}`;

  useEffect(() => {
    setState({ items: [], loaded: false });
    return watchJsonLines<{ type: string; object: { items: MenuItem[] } }>(path, (event) => {
      if (event.type !== 'SNAPSHOT') return;
      setState((previous) => {
        const now = new Set(event.object.items.map((item) => item.extension));
        for (const item of previous.items) if (!now.has(item.extension)) forgetExtension(item.extension);
        return { items: event.object.items, loaded: true };
      });
    });
  }, [path]);
  return state;
}
