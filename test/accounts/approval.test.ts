// Approval: what an editor uploads never reaches a player until an approver approves it.
import t from 'tap';
import { isAirable } from '../../playlists/build-manifest.js';
import { text } from '../fixtures/scheduling.js';
import { form, jpeg } from '../media/fixtures/files.js';
import { buildTestApp, helloPlayer, injectRaw, signInAs, startTestServer } from '../helper.js';

const json = (res: { body: string }) => JSON.parse(res.body);
type Manifest = { items?: { mediaId: string }[]; timeline?: unknown };
/** Every media id a manifest mentions, wherever it sits (loop items, timeline segments). */
const mediaIdsIn = (manifest: unknown) => new Set([...JSON.stringify(manifest).matchAll(/"mediaId":"([^"]+)"/g)].map((m) => m[1]));

t.test('the pure airability check: pending and rejected never air; absent approval is approved', async (t) => {
  const now = new Date('2026-01-02T00:00:00Z');
  t.ok(isAirable(text('a'), now), 'no approval field: seeded content airs');
  t.ok(isAirable(text('a', { approval: { state: 'approved', by: 'li', at: '2026-01-01T00:00:00.000Z' } }), now));
  t.notOk(isAirable(text('a', { approval: { state: 'pending' } }), now));
  t.notOk(isAirable(text('a', { approval: { state: 'rejected', note: '内容有误' } }), now));
});

t.test('an editor\'s upload is pending, stays off a connected screen, and airs once approved', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const screenId = welcome.screenId;
  await player.next('manifest');
  const editor = await signInAs(app, 'editor');
  const approver = await signInAs(app, 'approver');

  const up = await injectRaw(app)({ method: 'POST', url: '/api/v1/media', ...withHeaders(form({ name: 'poster.jpg', data: await jpeg(800, 450) }, { title: '待审海报' }), editor.headers) });
  t.equal(up.statusCode, 201, up.body);
  const media = json(up);
  t.same(media.approval, { state: 'pending' });

  // The admin builds a playlist of it and puts it on every screen, above the default campaign.
  const pl = json(await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '新海报', items: [{ mediaId: media.id, durationMs: 5000 }] } }));
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: pl.id, target: { kind: 'all' }, priority: 5 } })).statusCode, 201);
  const preview = json(await app.inject(`/api/v1/screens/${screenId}/manifest`));
  t.notOk(mediaIdsIn(preview).has(media.id), 'pending media is not in the screen\'s manifest');
  await new Promise((r) => setTimeout(r, 1500));
  t.notOk(player.received.some((m) => m.type === 'manifest' && mediaIdsIn(m).has(media.id)), 'nor in anything the player received');

  const refused = await injectRaw(app)({ method: 'POST', url: `/api/v1/media/${media.id}/approve`, headers: editor.headers });
  t.equal(refused.statusCode, 403, 'an editor cannot approve');
  const approved = await injectRaw(app)({ method: 'POST', url: `/api/v1/media/${media.id}/approve`, headers: approver.headers });
  t.equal(approved.statusCode, 200, approved.body);
  t.match(json(approved).approval, { state: 'approved', by: approver.user.username });
  t.ok(mediaIdsIn(json(await app.inject(`/api/v1/screens/${screenId}/manifest`))).has(media.id), 'in the manifest after approval');
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && !player.received.some((m) => m.type === 'manifest' && mediaIdsIn(m).has(media.id))) await new Promise((r) => setTimeout(r, 50));
  t.ok(player.received.some((m) => m.type === 'manifest' && mediaIdsIn(m).has(media.id)), 'the connected player got a manifest with it');

  // Rejecting takes it off air again.
  const rejected = await injectRaw(app)({ method: 'POST', url: `/api/v1/media/${media.id}/reject`, headers: approver.headers, payload: { note: '电话号码有误' } });
  t.equal(rejected.statusCode, 200, rejected.body);
  t.match(json(rejected).approval, { state: 'rejected', note: '电话号码有误' });
  t.notOk(mediaIdsIn(json(await app.inject(`/api/v1/screens/${screenId}/manifest`))).has(media.id));
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/media/nope/approve' })).statusCode, 404);

  // The audit trail tells who uploaded, who approved and who rejected.
  await app.crier.audit.settled();
  const log = JSON.parse((await app.inject(`/api/v1/audit?entity=media&entityId=${media.id}`)).body).entries as { action: string; actor: { username: string } | null; before: any; after: any }[];
  t.same(log.map((e) => `${e.action} ${e.actor?.username}`), [`reject ${approver.user.username}`, `approve ${approver.user.username}`, `create ${editor.user.username}`]);
  t.equal(log[1]!.before.approval.state, 'pending');
  t.equal(log[1]!.after.approval.state, 'approved');
});

t.test('admin and approver uploads are approved at once; editors\' slogans wait too', async (t) => {
  const app = await buildTestApp(t);
  const mine = await app.inject({ method: 'POST', url: '/api/v1/media', ...form({ name: 'a.jpg', data: await jpeg(640, 360) }, { title: '管理员上传' }) });
  t.match(json(mine).approval, { state: 'approved', by: 'admin' });
  const approver = await signInAs(app, 'approver');
  const theirs = await injectRaw(app)({ method: 'POST', url: '/api/v1/media/slogans', headers: approver.headers, payload: { title: '审核员的标语', slogan: { headline: '审核员的标语', theme: 'calm' } } });
  t.equal(theirs.statusCode, 201, theirs.body);
  t.equal(json(theirs).approval.state, 'approved');
  const editor = await signInAs(app, 'editor');
  const slogan = await injectRaw(app)({ method: 'POST', url: '/api/v1/media/slogans', headers: editor.headers, payload: { title: '编辑的标语', slogan: { headline: '编辑的标语', theme: 'alert' } } });
  t.equal(json(slogan).approval.state, 'pending');
  t.notOk(app.crier.catalogue.read().media.some((m) => m.approval === undefined && m.title === '编辑的标语'));
});

t.test('CRIER_APPROVAL=off: an editor\'s upload airs without approval', async (t) => {
  const app = await buildTestApp(t, { approval: 'off' });
  const editor = await signInAs(app, 'editor');
  const up = await injectRaw(app)({ method: 'POST', url: '/api/v1/media', ...withHeaders(form({ name: 'b.jpg', data: await jpeg(640, 360) }, { title: '无需审核' }), editor.headers) });
  t.equal(up.statusCode, 201);
  t.notOk(json(up).approval && json(up).approval.state !== 'approved', 'not pending');
});

function withHeaders(body: { payload: Buffer; headers: Record<string, string> }, headers: Record<string, string>) {
  return { payload: body.payload, headers: { ...body.headers, ...headers } };
}
