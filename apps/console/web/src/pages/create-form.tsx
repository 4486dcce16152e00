import { useState, type FormEvent, type ReactNode } from 'react';
import { Button, Group, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { apiJson } from '../api/api-client.js';
import { ErrorText } from './page-parts.js';

/** A button opening a modal form; `submit` throws to show the kernel's message, resolves to close. */
export function ModalForm(props: {
  label: string;
  title: string;
  submit: () => Promise<void>;
  children: ReactNode;
  onClose?: () => void;
}) {
  const [opened, setOpened] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setOpened(false);
    setError(null);
    props.onClose?.();
  };
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.submit();
      close();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button onClick={() => setOpened(true)}>{props.label}</Button>
      <Modal opened={opened} onClose={close} title={props.title} closeButtonProps={{ 'aria-label': 'Close' }}>
        <form onSubmit={(e) => void onSubmit(e)}>
          <Stack>
            <ErrorText error={error} />
            {props.children}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                {props.label}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

/**
 * Creates a tenant object (workspace or project) with a name and an optional
 * description by POSTing it to `collection`; `onCreated` refreshes the list.
 */
export function CreateTenantObject(props: {
  label: string;
  title: string;
  collection: string;
  nameHint: string;
  onCreated: () => void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = async () => {
    await apiJson(props.collection, {
      method: 'POST',
      body: { metadata: { name }, spec: description ? { description } : {} },
    });
    setName('');
    setDescription('');
    props.onCreated();
  };
  return (
    <ModalForm label={props.label} title={props.title} submit={create}>
      <TextInput
        label="Name"
        description={props.nameHint}
        required
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
      />
      <Textarea label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
    </ModalForm>
  );
}
