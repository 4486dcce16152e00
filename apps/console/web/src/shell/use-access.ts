import { useEffect, useState } from 'react';
import { apiJson } from '../api/api-client.js';

/** What the kernel's own pages need, each asked as an access review of the logged-in user. */
const QUESTIONS = {
  // Not `list`: everyone may list users, narrowed to what they may see; managing them is the admins'.
  manageUsers: { verb: 'create', apiGroup: 'iam.mortise.io', resource: 'users' },
  listAudit: { verb: 'list', apiGroup: 'iam.mortise.io', resource: 'auditevents' },
  createWorkspaces: { verb: 'create', apiGroup: 'tenant.mortise.io', resource: 'workspaces' },
  browseMarketplace: { verb: 'list', apiGroup: 'extensions.mortise.io', resource: 'marketplace' },
  manageExtensions: { verb: 'create', apiGroup: 'extensions.mortise.io', resource: 'installplans' },
} as const;

export type KernelAccess = Record<keyof typeof QUESTIONS, boolean>;

const NONE: KernelAccess = {
  manageUsers: false,
  listAudit: false,
  createWorkspaces: false,
  browseMarketplace: false,
  manageExtensions: false,
};

export async function reviewAccess(review: Record<string, string>): Promise<boolean> {
  const result = await apiJson<{ allowed: boolean }>('/kapis/iam.mortise.io/v1/accessreviews', {
    method: 'POST',
    body: review,
  }).catch(() => ({ allowed: false }));
  return result.allowed;
}

/** Which kernel pages this user may use; nothing until the answers arrive. */
export function useKernelAccess(username: string): KernelAccess {
  const [access, setAccess] = useState<KernelAccess>(NONE);
  useEffect(() => {
    let current = true;
    const keys = Object.keys(QUESTIONS) as Array<keyof KernelAccess>;
    void Promise.all(keys.map((key) => reviewAccess(QUESTIONS[key]))).then((answers) => {
      if (current) setAccess(Object.fromEntries(keys.map((key, i) => [key, answers[i]])) as KernelAccess);
    });
    return () => {
      current = false;
    };
  }, [username]);
  return access;
}
