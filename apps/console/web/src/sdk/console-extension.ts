import type { ComponentType } from 'react';

/** Path parameters of the matched route (`:workspace`, `:project`, …). */
export type RouteParams = Record<string, string>;

/** One page of an extension. Its `path` is the menu entry's `route`, with `:params`. */
export interface ExtensionRoute {
  path: string;
  /** Rendered inside the shell, with the console's React and component library. */
  component?: ComponentType<{ params: RouteParams }>;
  /** Or: a URL (usually the extension's ReverseProxy, `/proxy/...`) shown in a frame. */
  iframe?: (params: RouteParams) => string;
}

/** Where a widget can appear on the kernel's own pages. */
export type WidgetSlot = 'workspace.overview' | 'project.overview';

export interface ExtensionWidget {
  slot: WidgetSlot;
  title?: string;
  component: ComponentType<{ workspace?: string; project?: string }>;
}

/** What a JSBundle's default export declares. */
export interface ConsoleExtension {
  /** The extension's name, as in its manifest. */
  name: string;
  routes: ExtensionRoute[];
  widgets?: ExtensionWidget[];
}

/** Identity at run time; gives a bundle's default export its type. */
export function defineConsoleExtension(extension: ConsoleExtension): ConsoleExtension {
  return extension;
}
