/** Stops the static servers and the BFF of the run (the BFF's data folder is removed). */
import { e2eGlobals } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const globals = e2eGlobals();
  await globals.console?.close();
  await globals.web?.close();
  await globals.bff?.stop();
}
