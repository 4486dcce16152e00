import { useState, type FormEvent, type ReactNode } from 'react';
import { Button, Group, Modal, Stack } from '@mantine/core';
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
