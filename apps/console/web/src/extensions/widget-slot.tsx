import { useEffect, useState } from 'react';
import { Card, SimpleGrid, Title } from '@mantine/core';
import type { ExtensionWidget, WidgetSlot as Slot } from '../sdk/console-extension.js';
import { loadExtension } from './bundle-loader.js';
import { ExtensionErrorBoundary } from './extension-error-boundary.js';

/**
 * Widgets extensions contribute to a kernel page. Only the bundles of
 * extensions with entries here are asked; one that fails to load adds nothing.
 */
export function WidgetSlot(props: { slot: Slot; extensions: string[]; workspace?: string; project?: string }) {
  const [widgets, setWidgets] = useState<Array<{ extension: string; widget: ExtensionWidget }>>([]);
  const key = props.extensions.join(',');
  useEffect(() => {
    let current = true;
    void Promise.all(
      props.extensions.map((extension) =>
        loadExtension(extension).then(
          (declared) =>
            (declared.widgets ?? []).filter((w) => w.slot === props.slot).map((widget) => ({ extension, widget })),
          () => [],
        ),
      ),
    ).then((found) => current && setWidgets(found.flat()));
    return () => {
      current = false;
    };
  }, [key, props.slot]);
  if (widgets.length === 0) return null;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} mb="lg">
      {widgets.map(({ extension, widget }, i) => {
        const Widget = widget.component;
        return (
          <Card withBorder key={`${extension}-${i}`}>
            {widget.title ? (
              <Title order={3} size="h5" mb="xs">
                {widget.title}
              </Title>
            ) : null}
            <ExtensionErrorBoundary extension={extension}>
              <Widget workspace={props.workspace} project={props.project} />
            </ExtensionErrorBoundary>
          </Card>
        );
      })}
    </SimpleGrid>
  );
}
