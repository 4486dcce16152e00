import { EXTENSIONS_GROUP, IAM_GROUP } from '@mortise/api';
import type { KindRef, ObjectRef } from '@mortise/store';
import { extensionVersionName } from '../repository/catalogue-names.js';

/** Labels every object an installed extension brings (gateway objects, role templates, its identity), as it labels ExtensionVersions. */
export { EXTENSION_LABEL } from '../repository/catalogue-names.js';

/** Kept on an InstallPlan until its extension is uninstalled. */
export const UNINSTALL_FINALIZER = 'extensions.mortise.io/uninstall';
/**
 * `"true"` on a plan the install controller created for a dependency (not a
 * user's): uninstalled automatically once no installed extension needs it.
 * A user's edit of its spec removes it (the plan becomes theirs).
 */
export const AUTO_INSTALLED_LABEL = 'extensions.mortise.io/auto-installed';
/** On an auto-installed plan: the plans that need it, comma-separated; kept current by the controller. */
export const REQUIRED_BY_ANNOTATION = 'extensions.mortise.io/required-by';
/** Set on an auto-installed plan just before the controller deletes it: why it goes (the Uninstalling message). */
export const UNINSTALL_REASON_ANNOTATION = 'extensions.mortise.io/uninstall-reason';
/** The marker of dependency plans before `AUTO_INSTALLED_LABEL`: a label naming the one plan that needed it. */
export const LEGACY_REQUIRED_BY_LABEL = 'extensions.mortise.io/required-by';
/** `"true"`: uninstalling also deletes the objects of the extension's kinds. Same as `?purge=true` on delete. */
export const PURGE_ANNOTATION = 'extensions.mortise.io/purge';
/** Any new value makes a failed plan try again. */
export const RETRY_ANNOTATION = 'extensions.mortise.io/retry';
/** Set by admission whenever write-only config values change (they are not in the spec, so the generation does not move). */
export const SECRET_REVISION_ANNOTATION = 'extensions.mortise.io/secret-revision';
/** `"true"` on a plan being deleted: drop the finalizer even if uninstalling fails. */
export const FORCE_DELETE_ANNOTATION = 'extensions.mortise.io/force-delete';
/** Set by the gateway's contract: the object is kept but not served (503). */
export const GATEWAY_DISABLED_ANNOTATION = 'extensions.mortise.io/disabled';

export const INSTALL_PLAN_KIND: KindRef = { group: EXTENSIONS_GROUP, kind: 'InstallPlan' };
export const EXTENSION_KIND: KindRef = { group: EXTENSIONS_GROUP, kind: 'Extension' };
export const EXTENSION_VERSION_KIND: KindRef = { group: EXTENSIONS_GROUP, kind: 'ExtensionVersion' };
export const INSTALL_PLAN_SECRET_KIND: KindRef = { group: EXTENSIONS_GROUP, kind: 'InstallPlanSecret' };
export const EXTENSION_CREDENTIAL_KIND: KindRef = { group: EXTENSIONS_GROUP, kind: 'ExtensionCredential' };
/** Identity's internal kind of provisioned OAuth clients (`@mortise/iam` follows it). */
export const OAUTH_CLIENT_KIND: KindRef = { group: IAM_GROUP, kind: 'OAuthClient' };

export function planRef(name: string): ObjectRef {
  return { ...INSTALL_PLAN_KIND, name };
}

/** ExtensionVersion objects are named `{extension}-{version}`. */
export function versionRef(extension: string, version: string): ObjectRef {
  return { ...EXTENSION_VERSION_KIND, name: extensionVersionName(extension, version) };
}

/** The username of an installed extension's own service identity. */
export function serviceIdentityOf(extension: string): string {
  return `ext:${extension}`;
}

/** The OAuth client id of an installed service extension's credential. */
export function credentialClientIdOf(extension: string): string {
  return `ext-${extension}`;
}
