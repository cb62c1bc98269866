/**
 * Types of the one react-dom entry the console uses. `@types/react-dom` is not installed (the
 * mini-program never needed it); this declaration stands in until it is added as a dependency.
 */
declare module 'react-dom/client' {
  import type { ReactNode } from 'react';

  /** A React root in a DOM element. */
  interface Root {
    render(children: ReactNode): void;
    unmount(): void;
  }

  export function createRoot(container: Element | DocumentFragment): Root;
}
