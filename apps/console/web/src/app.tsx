import { useEffect, useState } from 'react';
import { Center, Loader } from '@mantine/core';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import type { ConsoleUser, Session } from './session/session.js';
import { LoginPage } from './pages/login-page.js';
import { ConsoleShell } from './shell/console-shell.js';

/** Login until there is a session; then the shell. */
export function App({ session }: { session: Session }) {
  const [user, setUser] = useState<ConsoleUser | null | undefined>(undefined);
  const [location] = useLocation();

  useEffect(() => {
    const stop = session.subscribe(setUser);
    void session.restore();
    return stop;
  }, [session]);

  if (user === undefined) {
    return (
      <Center h="100vh">
        <Loader role="status" aria-label="Loading the console" />
      </Center>
    );
  }
  if (user === null) {
    return (
      <Switch>
        <Route path="/login">
          <LoginPage session={session} />
        </Route>
        <Route>
          <Redirect to={`/login?next=${encodeURIComponent(location)}`} replace />
        </Route>
      </Switch>
    );
  }
  return <ConsoleShell session={session} user={user} />;
}
