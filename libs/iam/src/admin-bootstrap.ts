import { getIfExists, type ResourceStore } from '@mortise/store';
import { IAM_API_VERSION, USER_KIND, type User } from './iam-kinds.js';
import { randomToken } from './secret-digest.js';
import type { UserService } from './user.service.js';

export const ADMIN_USERNAME = 'admin';

export interface AdminBootstrapOptions {
  /** `MORTISE_ADMIN_PASSWORD`; absent: a random password is generated and printed once. */
  password?: string;
  email?: string;
  /** Where the generated password is shown; stdout by default, never the log. */
  print?: (line: string) => void;
}

/** On first start, creates the `admin` user. Does nothing when it already exists. */
export async function bootstrapAdmin(
  store: ResourceStore,
  users: UserService,
  options: AdminBootstrapOptions = {},
): Promise<boolean> {
  if (await getIfExists(store, { ...USER_KIND, name: ADMIN_USERNAME })) return false;
  const generated = options.password === undefined || options.password === '';
  const password = generated ? randomToken(18) : options.password!;
  const admin: User = {
    apiVersion: IAM_API_VERSION,
    kind: USER_KIND.kind,
    // No group or marker: what the admin may do comes from a GlobalRoleBinding to platform-admin,
    // which access control writes at every start.
    metadata: { name: ADMIN_USERNAME },
    spec: {
      email: options.email ?? 'admin@mortise.local',
      displayName: 'Administrator',
      password,
    },
  };
  await users.createWithPassword(admin);
  if (generated) {
    const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'));
    print(`Created user "${ADMIN_USERNAME}" with password: ${password}  (shown once; change it after logging in)`);
  }
  return true;
}
