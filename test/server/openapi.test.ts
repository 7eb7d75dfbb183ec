// The OpenAPI document (issue 13.9): cookie and CSRF security schemes, each route's security from the
// permission table, an operationId for every route, and Redocly's linter passes (recommended rules)
// with no warning but /healthz's (a liveness probe has no 4xx answer).
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { accessFor } from '../../server/auth/permissions.js';
import { buildTestApp } from '../helper.js';
import { nodeCommand } from '../node-command.js';

type Operation = { operationId?: string; security?: Record<string, string[]>[] };
const redocly = path.join(path.dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');

t.test('security schemes, operationIds and a clean lint', async (t) => {
  const app = await buildTestApp(t);
  const spec = JSON.parse((await app.inject({ url: '/docs/json' })).body) as {
    openapi: string;
    components: { securitySchemes: Record<string, { type: string; in: string; name: string }> };
    paths: Record<string, Record<string, Operation>>;
  };
  t.match(spec.components.securitySchemes, {
    session: { type: 'apiKey', in: 'cookie', name: 'crier_session' },
    csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
  });
  const ids = new Set<string>();
  let operations = 0;
  for (const [p, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      operations++;
      t.ok(op.operationId, `${method} ${p} has an operationId`);
      t.notOk(ids.has(op.operationId!), `${op.operationId} is unique`);
      ids.add(op.operationId!);
      const access = accessFor(method.toUpperCase(), p.replace(/\{([^}]+)\}/g, ':$1'));
      const expected = access.kind === 'public' ? [] : method === 'get' ? [{ session: [] }] : [{ session: [], csrf: [] }];
      t.same(op.security, expected, `${method} ${p}: security as the hooks enforce it`);
    }
  }
  t.ok(operations >= 50, `${operations} operations`);

  const file = path.join(t.testdir(), 'openapi.json');
  await writeFile(file, JSON.stringify(spec));
  const lint = await promisify(execFile)(...nodeCommand([redocly, 'lint', file, '--format=json']), { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }, maxBuffer: 1 << 24 }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );
  t.equal(lint.code, 0, 'redocly lint (recommended) passes');
  const { problems } = JSON.parse(lint.out) as { problems: { ruleId: string; location: { pointer: string }[] }[] };
  // The one finding left on purpose: a liveness probe has no client error to declare (it takes no input).
  const justified = (p: (typeof problems)[number]) => p.ruleId === 'operation-4xx-response' && p.location[0]?.pointer === '#/paths/~1healthz/get/responses';
  t.same(problems.filter((p) => !justified(p)).map((p) => `${p.ruleId} ${p.location[0]?.pointer}`), [], 'no warning but the justified one');
});
