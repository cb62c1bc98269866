/**
 * The app shell. Installs the Chinese zod messages once, so the shared schemas report issues in
 * Chinese in the forms exactly as the server does.
 */
import type { PropsWithChildren } from 'react';
import { installChineseZodMessages } from '@shared/zod-locale';
import './app.scss';

installChineseZodMessages();

function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
