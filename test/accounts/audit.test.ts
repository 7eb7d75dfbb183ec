// The audit trail: every change with who, when, before and after; sign-ins; CSV for Excel.
import t from 'tap';
import { forEachStore } from '../stores.js';
import { diffCatalogues } from '../../server/audit/catalogue-diff.js';
import { auditCsv } from '../../server/routes/audit.routes.js';
import { baseCatalogue } from '../fixtures/scheduling.js';
import { buildTestApp, helloPlayer, injectRaw, signInAs, startTestServer } from '../helper.js';

const json = (res: { body: string }) => JSON.parse(res.body);
type Entry = { id: number; at: string; actor: { id: string; username: string } | null; action: string; entity: string; entityId: string | null; summary: string; before: any; after: any };
const entries = async (app: Awaited<ReturnType<typeof buildTestApp>>, query = '') => {
  await app.crier.audit.settled();
  const res = await app.inject(`/api/v1/audit${query}`);
  if (res.statusCode !== 200) throw new Error(res.body);
  return json(res).entries as Entry[];
};

t.test('catalogue changes are logged with actor, before and after, without any service reporting them', async (t) => {
  const app = await buildTestApp(t);
  const editor = await signInAs(app, 'editor');
  const mediaId = app.crier.catalogue.read().media[0]!.id;
  const created = await injectRaw(app)({ method: 'POST', url: '/api/v1/playlists', headers: editor.headers, payload: { name: '早间', items: [{ mediaId, durationMs: 5000 }] } });
  const pl = json(created);
  await app.inject({ method: 'PUT', url: `/api/v1/playlists/${pl.id}`, payload: { name: '早间（改）', items: [{ mediaId, durationMs: 8000 }] } });
  await app.inject({ method: 'DELETE', url: `/api/v1/playlists/${pl.id}` });

  const log = await entries(app, `?entity=playlist&entityId=${pl.id}`);
  t.same(log.map((e) => e.action), ['delete', 'update', 'create'], 'newest first');
  const [deleted, updated, made] = log as [Entry, Entry, Entry];
  t.equal(made.actor?.username, editor.user.username, 'the editor made it');
  t.equal(made.before, null);
  t.equal(made.after.name, '早间');
  t.match(made.summary, /新建播放列表「早间」 \/ created playlist "早间"/);
  t.equal(updated.actor?.username, 'admin');
  t.equal(updated.before.items[0].durationMs, 5000);
  t.equal(updated.after.items[0].durationMs, 8000);
  t.equal(deleted.after, null);
  t.equal(deleted.before.name, '早间（改）');
  const seeded = await entries(app, '?entity=playlist&entityId=pl-default-campaign');
  t.equal(seeded[0]?.actor, null, 'the seeded campaign was added by the server itself: no actor');

  // Filters.
  t.equal((await entries(app, `?entity=playlist&actor=${editor.user.username}`)).length, 1);
  t.equal((await entries(app, `?entity=playlist&actor=${editor.user.id}`)).length, 1, 'by id too');
  t.equal((await entries(app, `?entity=playlist&entityId=${pl.id}&limit=2`)).length, 2);
  const future = encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString());
  t.equal((await entries(app, `?from=${future}`)).length, 0);
  t.equal((await app.inject('/api/v1/audit?from=yesterday')).statusCode, 400);
});

t.test('sign-ins, failures, account changes and screen commands are logged; no password or hash ever is', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { welcome } = await helloPlayer(t, wsUrl);
  await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'wrong-password-1' } });
  const viewer = await signInAs(app, 'viewer');
  await app.inject({ method: 'PATCH', url: `/api/v1/users/${viewer.user.id}`, payload: { displayName: '只读员', password: 'reset-password-2' } });
  await app.inject({ method: 'POST', url: `/api/v1/screens/${welcome.screenId}/commands`, payload: { command: 'identify' } });

  const log = await entries(app);
  const failed = log.find((e) => e.action === 'login-failed');
  t.match(failed, { entity: 'session', actor: { username: 'admin' } }, 'a failed sign-in names the account tried');
  t.ok(log.some((e) => e.action === 'login' && e.actor?.username === viewer.user.username));
  const made = log.find((e) => e.entity === 'user' && e.action === 'create')!;
  t.equal(made.after.username, viewer.user.username);
  const changed = log.find((e) => e.entity === 'user' && e.action === 'update' && e.after?.displayName === '只读员')!;
  t.ok(changed, 'user change logged');
  t.equal(changed.before.displayName, `viewer ${viewer.user.username.split('-')[1]}`);
  t.equal(changed.after.passwordChanged, true, 'that the password changed, not what to');
  t.ok(log.some((e) => e.entity === 'user' && e.action === 'password-change'), 'own password change logged');
  const command = log.find((e) => e.action === 'command')!;
  t.match(command, { entity: 'screen', entityId: welcome.screenId, actor: { username: 'admin' }, after: { command: 'identify' } });
  t.ok(log.some((e) => e.entity === 'screen' && e.action === 'create' && e.actor === null), 'a player\'s own registration is logged with no actor');
  const raw = JSON.stringify(log);
  for (const secret of ['wrong-password-1', 'reset-password-2', 'first-password-1', 'staff-password-1', 'scrypt$']) t.notOk(raw.includes(secret), `no ${secret}`);
});

t.test('audit needs audit:read; CSV has a BOM, CRLF, Excel-safe cells', async (t) => {
  const app = await buildTestApp(t);
  const mediaId = app.crier.catalogue.read().media[0]!.id;
  await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '=HYPERLINK("http://x")', items: [{ mediaId, durationMs: 5000 }] } });
  await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '含"引号",逗号', items: [{ mediaId, durationMs: 5000 }] } });
  await app.crier.audit.settled();
  const viewer = await signInAs(app, 'viewer');
  t.equal((await injectRaw(app)({ url: '/api/v1/audit', headers: viewer.headers })).statusCode, 403);
  t.equal((await injectRaw(app)({ url: '/api/v1/audit.csv', headers: viewer.headers })).statusCode, 403);
  const approver = await signInAs(app, 'approver');
  t.equal((await injectRaw(app)({ url: '/api/v1/audit', headers: approver.headers })).statusCode, 200);

  const res = await app.inject('/api/v1/audit.csv?entity=playlist&actor=admin');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/csv; charset=utf-8/);
  t.match(res.headers['content-disposition'], /attachment; filename="crier-audit-\d{4}-\d{2}-\d{2}\.csv"/);
  const bytes = res.rawPayload;
  t.same([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const body = bytes.subarray(3).toString('utf8');
  const lines = body.split('\r\n');
  t.equal(lines.at(-1), '', 'ends with CRLF');
  t.match(lines[0], /^"时间 at","用户 actor","操作 action"/);
  t.equal(lines.length, 4, 'header, two rows, trailing empty');
  t.notOk(/(^|,)"[=+@-]/m.test(body), 'no cell starts with a formula character');
  t.match(body, /含""引号"",逗号/, 'quotes doubled, commas kept inside the cell');
});

t.test('auditCsv defuses cells Excel would run as formulas', async (t) => {
  const csv = auditCsv([
    { id: 1, at: '2026-01-01T00:00:00.000Z', actor: { id: 'u', username: 'li' }, action: 'update', entity: 'screen', entityId: '=cmd|x', summary: '+SUM(1)', before: null, after: '@A1' },
  ]);
  const row = csv.split('\r\n')[1]!;
  t.match(row, /"'=cmd\|x"/);
  t.match(row, /"'\+SUM\(1\)"/);
  t.match(row, /"'@A1"/);
  t.ok(csv.startsWith('\uFEFF'));
});

t.test('diffCatalogues: by id per collection; approval changes read as approve/reject', async (t) => {
  const before = baseCatalogue();
  const after = structuredClone(before);
  after.playlists.push({ ...after.playlists[0]!, id: 'pl-new', name: '新的' });
  after.screens = after.screens.filter((s) => s.id !== 'scr-village');
  after.media[0]!.approval = { state: 'approved', by: 'li' };
  after.media[1]!.title = '改名';
  after.defaultPlaylistId = null;
  const changes = diffCatalogues(before, after);
  t.same(changes.map((c) => `${c.action} ${c.entity} ${c.entityId}`).sort(), [
    `approve media ${before.media[0]!.id}`,
    `create playlist pl-new`,
    `delete screen scr-village`,
    `update catalogue defaultPlaylistId`,
    `update media ${before.media[1]!.id}`,
  ].sort());
  t.same(diffCatalogues(before, structuredClone(before)), [], 'no change, no entry');
});

forEachStore(t, 'catalogue hooks: changes of one actor share commits; different actors never do', async (t, backend) => {
  const store = await (await backend.open()).openCatalogue({
    context: () => current,
    batchKey: (c) => (c as { actor: string | null } | undefined)?.actor ?? null,
    committed: (_before, after, c) => commits.push({ actor: (c as { actor: string | null } | undefined)?.actor ?? null, screens: after.screens.length }),
  });
  const commits: { actor: string | null; screens: number }[] = [];
  let current: { actor: string | null } | undefined;
  const add = (id: string) => store.update((d) => void d.screens.push({ id, name: id, isProvisional: true, groups: [], createdAt: '2026-01-01T00:00:00.000Z' }));
  // 20 players (no actor, each its own context object) at once: a few commits, not 20.
  const players = Array.from({ length: 20 }, (_, i) => ((current = { actor: null } as never), add(`scr-p${i}`)));
  await Promise.all(players);
  t.ok(commits.length < 20, `${commits.length} commits for 20 registrations`);
  commits.length = 0;
  current = { actor: 'li' };
  const a = add('scr-li');
  current = { actor: 'wang' };
  const b = add('scr-wang');
  current = { actor: 'li' };
  const c = add('scr-li-2');
  await Promise.all([a, b, c]);
  t.same(commits.map((x) => x.actor), ['li', 'wang', 'li'], 'each commit has one actor, in call order');
});
