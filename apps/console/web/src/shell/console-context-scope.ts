/** Which project belongs to which workspace, as seen while navigating (a project's URL names only itself). */
const KEY = 'mortise.console.projectWorkspaces';

export function rememberProjectWorkspace(project: string, workspace: string): void {
  const known = JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Record<string, string>;
  known[project] = workspace;
  sessionStorage.setItem(KEY, JSON.stringify(known));
}

export function workspaceOfProject(project: string): string | undefined {
  return (JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Record<string, string>)[project];
}

/** The workspace and project a console path is in. */
export function scopeOf(path: string): { workspace?: string; project?: string } {
  const [first, second] = path.split('/').filter(Boolean);
  if (first === 'workspaces' && second) return { workspace: decodeURIComponent(second) };
  if (first === 'projects' && second) {
    const project = decodeURIComponent(second);
    const workspace = workspaceOfProject(project);
    return workspace ? { workspace, project } : { project };
  }
  return {};
}
