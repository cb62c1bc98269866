/**
 * The app shell. Installs the Chinese zod messages once, so the shared schemas report issues in
 * Chinese in the forms exactly as the server does.
 */
import type { PropsWithChildren } from 'react';
import { useChineseZodMessages } from '@shared/zod-locale';
import './app.scss';

useChineseZodMessages();

function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
