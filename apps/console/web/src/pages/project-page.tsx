import { Anchor, Text } from '@mantine/core';
import { Link } from 'wouter';
import { useConsole } from '../sdk/console-context.js';
import { WidgetSlot } from '../extensions/widget-slot.js';
import { MembersPanel } from './members-panel.js';
import { PageHeader } from './page-parts.js';

export function ProjectPage({ project, extensions }: { project: string; extensions: string[] }) {
  const { workspace } = useConsole();
  return (
    <>
      <PageHeader
        title={`Project ${project}`}
        description={
          workspace ? (
            <Text span size="sm">
              In workspace{' '}
              <Anchor component={Link} href={`/workspaces/${encodeURIComponent(workspace)}`} size="sm">
                {workspace}
              </Anchor>
            </Text>
          ) : undefined
        }
      />
      <WidgetSlot
        slot="project.overview"
        extensions={extensions}
        project={project}
        {...(workspace ? { workspace } : {})}
      />
      <MembersPanel scope="project" name={project} />
    </>
  );
}
