// The console SDK: what extension bundles import as `@mortise/console-sdk`
// (served to them through the import map, one instance with the shell's).
export { defineConsoleExtension } from './console-extension.js';
export type {
  ConsoleExtension,
  ExtensionRoute,
  ExtensionWidget,
  RouteParams,
  WidgetSlot,
} from './console-extension.js';
export { useConsole, type ConsoleContextValue } from './console-context.js';
export { apiFetch, apiJson, ApiError, watchJsonLines, type ApiInit } from '../api/api-client.js';
export { navigate } from './navigation.js';
export type { ConsoleUser } from '../session/session.js';
