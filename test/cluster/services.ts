// The real PostgreSQL and Redis the cluster tests run on (CRIER_TEST_DATABASE_URL, CRIER_TEST_REDIS_URL):
// without them the tests skip, saying why, unless CRIER_REQUIRE_SERVICES=1 (.ci/run) makes that a failure.
import { randomBytes } from 'node:crypto';

const SERVICES = {
  redis: { env: 'CRIER_TEST_REDIS_URL', what: 'Redis', example: 'redis://127.0.0.1:6379/0' },
  postgres: { env: 'CRIER_TEST_DATABASE_URL', what: 'PostgreSQL', example: 'postgres://crier:crier@127.0.0.1:5432/crier' },
} as const;

/** tap options for a test that needs these services: skip without them, except under CRIER_REQUIRE_SERVICES=1 where that fails. */
export function servicesTestOptions(...needs: (keyof typeof SERVICES)[]): { skip: string | false } {
  const missing = needs.map((n) => SERVICES[n]).filter((s) => !process.env[s.env]);
  if (missing.length === 0) return { skip: false };
  const why = missing.map((s) => `${s.what}: set ${s.env} (e.g. ${s.example})`).join('; ');
  if (process.env.CRIER_REQUIRE_SERVICES === '1') throw new Error(`CRIER_REQUIRE_SERVICES=1 but the test services are not set: ${why}`);
  return { skip: `needs ${why}` };
}

export const testRedisUrl = () => process.env.CRIER_TEST_REDIS_URL!;
export const testDatabaseUrl = () => process.env.CRIER_TEST_DATABASE_URL!;

/** A key prefix of this test's own, so parallel tests and helpers never share Redis state. */
export const testRedisPrefix = () => `crier-t-${randomBytes(4).toString('hex')}:`;
