import '@mantine/core/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider, createTheme, type CSSVariablesResolver } from '@mantine/core';
import { App } from './app.js';
import { Session } from './session/session.js';
import { onUnauthorized } from './api/api-client.js';

// Shade 8 and automatic text contrast keep filled and light colours at WCAG AA (axe runs in the browser tests).
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  autoContrast: true,
  luminanceThreshold: 0.2,
  defaultRadius: 'sm',
});
const contrast: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});
const session = new Session();
onUnauthorized(() => session.expired());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={contrast}>
      <App session={session} />
    </MantineProvider>
  </StrictMode>,
);
