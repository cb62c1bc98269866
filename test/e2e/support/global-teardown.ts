/** Stops the BFF of the run (its data folder is removed). */
import { e2eGlobals } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  await e2eGlobals().bff?.stop();
}
