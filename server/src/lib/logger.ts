/**
 * The BFF's pino logger. Log lines are JSON with the request id wherever one exists. Never log
 * tokens, passwords, WeChat session keys or citizens' personal data: redaction below is a safety
 * net for mistakes, not a licence to log whole objects.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config';

export type { Logger };

/** Field paths blanked in every log line, wherever they turn up by accident. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'currentPassword',
  '*.currentPassword',
  'newPassword',
  '*.newPassword',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'jwtSecret',
  '*.jwtSecret',
  'secret',
  '*.secret',
  'sessionKey',
  '*.sessionKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go; stdout by default. Tests pass a stream to read them. */
  destination?: DestinationStream;
}

/** Creates the application logger. */
export function createLogger({ level, destination }: LoggerOptions): Logger {
  const options = {
    level,
    base: { service: 'bff' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}
