/**
 * Runs the fake WeChat server API for development: point the BFF's WeChat base URL at the
 * printed address. Login codes `ok:<name>` (and, here, any other code) log in a user named by the
 * code; see test/support/fake-wechat.ts for everything it answers.
 *
 *   tsx scripts/fake-wechat.ts --port 3901 [--host 127.0.0.1] [--app-id wx...] [--secret ...]
 *                              [--strict-codes] [--unionid]
 *
 * AppID and AppSecret default to WECHAT_APPID / WECHAT_SECRET so they match the BFF's
 * environment; the fake refuses other credentials exactly as WeChat would (40013 / 40125).
 */
import { parseArgs } from 'node:util';
import { startFakeWechat } from '../test/support/fake-wechat';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3901' },
      host: { type: 'string', default: '127.0.0.1' },
      'app-id': { type: 'string' },
      secret: { type: 'string' },
      'strict-codes': { type: 'boolean', default: false },
      unionid: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`fake-wechat: --port must be a port number, got ${values.port}`);
    process.exit(2);
  }
  const appId = values['app-id'] ?? process.env.WECHAT_APPID;
  const secret = values.secret ?? process.env.WECHAT_SECRET;
  if (!appId || !secret) {
    console.error('fake-wechat: give --app-id and --secret (or set WECHAT_APPID and WECHAT_SECRET) to the values the BFF uses');
    process.exit(2);
  }
  const fake = await startFakeWechat({
    appId,
    secret,
    host: values.host,
    port,
    acceptAnyCode: !values['strict-codes'],
    unionid: values.unionid,
    log: values.quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  console.log(fake.baseUrl);
  const stop = () => {
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('fake-wechat failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
