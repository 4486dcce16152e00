// Console bundle of the announcements sample: an ES module that the console
// imports when its page opens. React, Mantine and the console SDK come from
// the console through its import map; this file ships none of them.
import { createElement as h, useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  NativeSelect,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { apiJson, defineConsoleExtension } from '@mortise/console-sdk';

const API = '/kapis/announcements.samples.mortise.io/v1/namespaces';
const COLORS = { info: 'blue', warning: 'yellow', critical: 'red' };

function useInbox(project) {
  const [state, setState] = useState({ inbox: undefined, error: undefined });
  const reload = useCallback(() => {
    apiJson(`${API}/${encodeURIComponent(project)}/inbox`).then(
      (inbox) => setState({ inbox, error: undefined }),
      (error) => setState({ inbox: undefined, error }),
    );
  }, [project]);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

function PublishForm({ project, onPublished }) {
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [severity, setSeverity] = useState('info');
  const [error, setError] = useState(null);
  const submit = (event) => {
    event.preventDefault();
    setError(null);
    apiJson(`${API}/${encodeURIComponent(project)}/broadcasts`, {
      method: 'POST',
      body: { title, body, severity },
    }).then(
      () => {
        setTitle('');
        setBody('');
        onPublished();
      },
      (err) => setError(err.message),
    );
  };
  return h(
    'form',
    { onSubmit: submit, 'aria-label': 'Publish an announcement' },
    h(
      Stack,
      { gap: 'xs', maw: 520 },
      error ? h(Alert, { color: 'red', role: 'alert' }, error) : null,
      h(TextInput, { label: 'Title', required: true, value: title, onChange: (e) => setTitle(e.currentTarget.value) }),
      h(Textarea, { label: 'Message', value: body, onChange: (e) => setBody(e.currentTarget.value) }),
      h(NativeSelect, {
        label: 'Severity',
        data: ['info', 'warning', 'critical'],
        value: severity,
        onChange: (e) => setSeverity(e.currentTarget.value),
      }),
      h(Button, { type: 'submit', w: 'fit-content' }, 'Publish'),
    ),
  );
}

function AnnouncementsPage({ params }) {
  const project = params.project;
  const { inbox, error, reload } = useInbox(project);
  const acknowledge = (name) =>
    apiJson(`${API}/${encodeURIComponent(project)}/announcements/${encodeURIComponent(name)}/acknowledge`, {
      method: 'POST',
    }).then(reload, reload);
  if (error) return h(Alert, { color: 'red', role: 'alert', title: 'Could not load the announcements' }, error.message);
  if (!inbox) return h(Text, { c: 'dimmed' }, 'Loading…');
  return h(
    Stack,
    null,
    h(Title, { order: 2 }, `Announcements of ${project}`),
    inbox.canPublish ? h(PublishForm, { project, onPublished: reload }) : null,
    inbox.items.length === 0 ? h(Text, { c: 'dimmed' }, 'No announcements.') : null,
    ...inbox.items.map((item) =>
      h(
        Card,
        { key: item.name, withBorder: true, 'data-testid': 'announcement' },
        h(
          Group,
          { justify: 'space-between' },
          h(Title, { order: 3, size: 'h5' }, item.title),
          h(Badge, { color: COLORS[item.severity] ?? 'gray' }, item.severity),
        ),
        item.body ? h(Text, { size: 'sm', mt: 'xs' }, item.body) : null,
        h(
          Group,
          { mt: 'sm' },
          item.acknowledged
            ? h(Text, { size: 'sm', c: 'dimmed' }, 'Acknowledged')
            : h(Button, { size: 'xs', variant: 'light', onClick: () => acknowledge(item.name) }, 'Acknowledge'),
        ),
      ),
    ),
    h(Text, { size: 'xs', c: 'dimmed' }, `served by announcements ${inbox.servedBy}`),
  );
}

function UnreadWidget({ project }) {
  const { inbox } = useInbox(project);
  if (!inbox) return null;
  const unread = inbox.items.filter((item) => !item.acknowledged).length;
  return h(Text, { size: 'sm' }, unread === 0 ? 'No unread announcements.' : `${unread} unread announcement(s).`);
}

export default defineConsoleExtension({
  name: 'announcements',
  routes: [{ path: '/projects/:project/announcements', component: AnnouncementsPage }],
  widgets: [{ slot: 'project.overview', title: 'Announcements', component: UnreadWidget }],
});
