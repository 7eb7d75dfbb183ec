// Configuration from the environment, validated at start-up: a bad value fails fast with one clear line.
import { z } from 'zod';
import path from 'node:path';

const isValidTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  CRIER_DATA_DIR: z.string().min(1).default('./data'),
  CRIER_TIME_ZONE: z.string().refine(isValidTimeZone, 'not an IANA time zone').default('Asia/Shanghai'),
  CRIER_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  CRIER_OFFLINE_AFTER_SECONDS: z.coerce.number().int().min(5).max(86_400).default(90),
  CRIER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  /** Absolute path; the catalogue, airing log and media live under it. */
  dataDir: string;
  timeZone: string;
  heartbeatIntervalMs: number;
  /** A screen without a heartbeat for this long counts as offline even if its socket looks open. */
  offlineAfterMs: number;
  logLevel: z.infer<typeof EnvSchema>['CRIER_LOG_LEVEL'];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`配置错误 / invalid configuration: ${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.CRIER_DATA_DIR),
    timeZone: e.CRIER_TIME_ZONE,
    heartbeatIntervalMs: e.CRIER_HEARTBEAT_SECONDS * 1000,
    offlineAfterMs: e.CRIER_OFFLINE_AFTER_SECONDS * 1000,
    logLevel: e.CRIER_LOG_LEVEL,
  };
}
