/**
 * Runs before every test file. Tests never reach the outside network: any TCP connection
 * to an address outside loopback fails at once instead of hanging or leaking data.
 */
import net from 'node:net';

process.env.NODE_ENV = process.env.NODE_ENV ?? 'test';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;
const originalConnect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function patchedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string; port?: number } | number | string | unknown[];
  let host: string | undefined;
  if (Array.isArray(first)) {
    const opts = first[0] as { host?: string; path?: string };
    host = opts?.path ? 'localhost' : opts?.host;
  } else if (typeof first === 'object' && first !== null) {
    host = first.path ? 'localhost' : first.host;
  } else if (typeof first === 'number') {
    host = typeof args[1] === 'string' ? (args[1] as string) : 'localhost';
  } else if (typeof first === 'string') {
    host = 'localhost'; // unix socket path
  }
  const target = host ?? 'localhost';
  if (!LOOPBACK.test(target)) {
    throw new Error(`Outbound network is blocked in tests (tried ${target})`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
