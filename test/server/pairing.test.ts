// Pairing over real WebSockets: codes for unknown players, claim → token, reconnect with the token,
// revocation, refusals, abuse limits, and plays of unclaimed screens kept apart.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import t, { type Test } from 'tap';
import { CLOSE_TRY_AGAIN_LATER, CLOSE_UNAUTHORISED, PAIRING_CODE_ALPHABET } from '../../player/protocol.js';
import { loadConfig } from '../../server/config.js';
import { readEmbeddedCatalogue } from '../../server/storage/catalogue.store.js';
import { placeSite } from '../register.fixtures.js';
import { connectPlayer, helloMessage, helloPlayer, injectRaw, signInAs, sleep, startTestServer, type TestPlayer } from '../helper.js';

const CODE = new RegExp(`^[${PAIRING_CODE_ALPHABET}]{6}$`);
const json = (res: { body: string }) => JSON.parse(res.body);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const play = (item: { id: string; mediaId: string; hash: string }, version: string, startedAt: Date) => ({
  id: randomUUID(),
  itemId: item.id,
  mediaId: item.mediaId,
  hash: item.hash,
  manifestVersion: version,
  startedAt: startedAt.toISOString(),
  endedAt: new Date(startedAt.getTime() + 1000).toISOString(),
  completed: true,
});

/** Sends a hello and waits for the socket to close; returns the close and what was said before it. */
async function refusedHello(t: Test, wsUrl: string, extra: Record<string, unknown>) {
  const player = await connectPlayer(t, wsUrl);
  player.send(helloMessage(extra));
  const closed = await player.closed;
  return { closed, frames: player.received, player };
}

t.test('an unknown player gets a six-character code, unique and persisted; welcome carries it', async (t) => {
  const dataDir = t.testdir();
  const { app, wsUrl } = await startTestServer(t, { dataDir });
  const players = await Promise.all(Array.from({ length: 6 }, () => helloPlayer(t, wsUrl)));
  const codes = players.map((p) => p.welcome.pairingCode!);
  for (const code of codes) t.match(code, CODE, `code ${code}: six characters, no 0/O/1/I/L`);
  t.equal(new Set(codes).size, codes.length, 'unique among unclaimed screens');
  t.equal(players[0]!.welcome.unclaimedDisplay, 'campaign', 'the default display setting travels with the code');
  t.equal(players[0]!.welcome.isProvisional, true);
  const stored = app.crier.catalogue.read().screens.find((s) => s.id === players[0]!.welcome.screenId)!;
  t.equal(stored.pairingCode, codes[0], 'kept in the catalogue');
  const onDisk = await readEmbeddedCatalogue(dataDir);
  t.equal(onDisk?.screens.find((s) => s.id === stored.id)?.pairingCode, codes[0], 'and on disk');
  t.match(stored.name, codes[0]!, 'the provisional name shows the code');
  players[0]!.player.socket.close();
  const again = await helloPlayer(t, wsUrl, { screenId: players[0]!.welcome.screenId });
  t.equal(again.welcome.pairingCode, codes[0], 'a returning unclaimed player keeps its code');
  const listed = json(await app.inject('/api/v1/screens')).find((s: { id: string }) => s.id === stored.id);
  t.equal(listed.pairingCode, codes[0], 'the screens list shows the code');
});

t.test('CRIER_UNCLAIMED_DISPLAY: code-only travels in welcome; a bad value stops the server', async (t) => {
  t.equal(loadConfig({ CRIER_UNCLAIMED_DISPLAY: 'code-only' }).unclaimedDisplay, 'code-only');
  t.throws(() => loadConfig({ CRIER_UNCLAIMED_DISPLAY: 'big' }), /CRIER_UNCLAIMED_DISPLAY/);
  const { wsUrl } = await startTestServer(t, { unclaimedDisplay: 'code-only' });
  const { welcome } = await helloPlayer(t, wsUrl);
  t.equal(welcome.unclaimedDisplay, 'code-only');
});

t.test('claim → paired → reconnect with the token → claimed welcome', async (t) => {
  const dataDir = t.testdir();
  const { app, wsUrl } = await startTestServer(t, { dataDir });
  const { player, welcome } = await helloPlayer(t, wsUrl);
  await player.next('manifest');
  const siteId = await placeSite(app, '城关镇', '政府大厅', '机关');
  const freeText = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: welcome.pairingCode, name: '城关镇政府大厅', township: '城关镇' } });
  t.equal(freeText.statusCode, 400, 'free-text township is refused');
  t.match(json(freeText).message, /siteId/, 'and the answer says to send siteId');
  const claim = await app.inject({
    method: 'POST',
    url: '/api/v1/screens/claim',
    payload: { code: welcome.pairingCode!.toLowerCase().replace(/^(...)/, '$1-'), name: '城关镇政府大厅', siteId, groups: ['大厅'] },
  });
  t.equal(claim.statusCode, 200, claim.body);
  const screen = json(claim);
  t.match(screen, { id: welcome.screenId, name: '城关镇政府大厅', isProvisional: false, siteId, township: '城关镇', site: '政府大厅', siteType: '机关', groups: ['大厅'] });
  t.ok(screen.claimedAt, 'claimedAt set');
  t.notOk('pairingCode' in screen, 'the code is gone once claimed');
  t.notOk('tokenHash' in screen || 'pendingToken' in screen, 'no token material in the API');

  const paired = await player.next('paired');
  t.equal(paired.screenId, welcome.screenId);
  t.equal(paired.screenName, '城关镇政府大厅');
  t.ok(Buffer.from(paired.token, 'base64url').length >= 32, 'token: at least 32 random bytes, base64url');
  t.match(paired.token, /^[A-Za-z0-9_-]+$/);
  const { tokens } = app.crier;
  t.equal(tokens.screenOf(sha256(paired.token)), welcome.screenId, 'the SHA-256 is kept for checking');
  t.equal(tokens.pendingOf(welcome.screenId), paired.token, 'the plain token waits for the ack');
  player.send({ type: 'paired-ack', screenId: welcome.screenId });
  await sleep(200);
  t.equal(tokens.pendingOf(welcome.screenId), undefined, 'forgotten once the player confirmed it');
  const catalogueFile = (await readFile(path.join(dataDir, 'catalogue.json'), 'utf8')) + (await readFile(path.join(dataDir, 'catalogue.journal'), 'utf8'));
  t.notOk(catalogueFile.includes(paired.token) || catalogueFile.includes(sha256(paired.token)), 'no token material in the catalogue (snapshot or journal)');
  const tokenFiles = (await readdir(dataDir)).filter((f) => f.startsWith('pairing.sqlite3'));
  const tokenBytes = Buffer.concat(await Promise.all(tokenFiles.map((f) => readFile(path.join(dataDir, f)))));
  t.notOk(tokenBytes.includes(paired.token), 'nor, once delivered, the plain token in the token store');
  t.ok(tokenBytes.includes(sha256(paired.token)) || tokenFiles.length > 1, 'only its hash');
  const audit = await app.inject('/api/v1/audit?entity=screen');
  t.equal(audit.statusCode, 200);
  t.match(audit.body, welcome.screenId, 'the claim is in the audit trail');
  t.notOk(audit.body.includes(paired.token) || audit.body.includes(sha256(paired.token)), 'without token material');

  player.socket.close();
  await player.closed;
  const back = await helloPlayer(t, wsUrl, { screenId: welcome.screenId, token: paired.token });
  t.match(back.welcome, { screenId: welcome.screenId, screenName: '城关镇政府大厅', isProvisional: false });
  t.notOk(back.welcome.pairingCode, 'no code in a claimed welcome');
  const get = json(await app.inject(`/api/v1/screens/${welcome.screenId}`));
  t.equal(get.status.isOnline, true);
});

t.test('a player offline at claim time gets its token at its next hello, kept only until delivered', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const first = await helloPlayer(t, wsUrl);
  first.player.socket.close();
  await first.player.closed;
  const claim = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: first.welcome.pairingCode, name: '河口村广播站' } });
  t.equal(claim.statusCode, 200);
  const back = await helloPlayer(t, wsUrl, { screenId: first.welcome.screenId });
  t.equal(back.welcome.isProvisional, false);
  const paired = await back.player.next('paired');
  t.equal(paired.screenName, '河口村广播站');
  back.player.socket.close();
  await back.player.closed;
  // The ack was never sent, but a hello with the token proves it arrived.
  await helloPlayer(t, wsUrl, { screenId: first.welcome.screenId, token: paired.token });
  t.equal(app.crier.tokens.pendingOf(first.welcome.screenId), undefined);
  const idOnly = await refusedHello(t, wsUrl, { screenId: first.welcome.screenId });
  t.equal(idOnly.closed.code, CLOSE_UNAUTHORISED, 'after delivery, the id alone no longer opens the door');
});

t.test('claim refusals: unknown code 404, bad input 400, and nothing changes', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { welcome } = await helloPlayer(t, wsUrl);
  const before = JSON.stringify(app.crier.catalogue.read());
  const unknownCode = [...PAIRING_CODE_ALPHABET].find((c) => !welcome.pairingCode!.includes(c))!.repeat(6);
  const missing = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: unknownCode, name: '某屏幕' } });
  t.equal(missing.statusCode, 404);
  t.equal(json(missing).reason, 'unknown-pairing-code');
  t.match(json(missing).message, /配对码.*pairing code/);
  for (const payload of [
    { code: 'ABC0O1', name: '含易混字符' },
    { code: welcome.pairingCode, name: '' },
    { code: welcome.pairingCode },
    { code: welcome.pairingCode, name: 'x'.repeat(121) },
    { code: welcome.pairingCode, name: '合法', groups: 'not-a-list' },
    { code: 12345, name: '数字' },
  ]) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload });
    t.equal(res.statusCode, 400, `400 for ${JSON.stringify(payload)}`);
    t.equal(json(res).reason, 'invalid-request');
  }
  t.equal(JSON.stringify(app.crier.catalogue.read()), before, 'the catalogue is unchanged');
  const twice = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: welcome.pairingCode, name: '一次' } });
  t.equal(twice.statusCode, 200);
  const again = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: welcome.pairingCode, name: '两次' } });
  t.equal(again.statusCode, 404, 'a code claims one screen once');
});

t.test('revoke: the connected player gets unauthorised and 4003; its token is refused; no plays arrive after', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const { manifest } = await player.next('manifest');
  await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: welcome.pairingCode, name: '车站' } });
  const { token } = await player.next('paired');
  player.send({ type: 'plays', records: [play(manifest.items[0]!, manifest.version, new Date())] });
  await player.next('plays-ack');
  const playsBefore = await app.crier.airingLog.countPlays({ screenId: welcome.screenId });
  t.equal(playsBefore, 1);

  const revoke = await app.inject({ method: 'POST', url: `/api/v1/screens/${welcome.screenId}/revoke` });
  t.equal(revoke.statusCode, 200);
  t.ok(json(revoke).revokedAt, 'revokedAt set');
  const unauthorised = await player.next('unauthorised');
  t.equal(unauthorised.reason, 'revoked');
  t.equal((await player.closed).code, CLOSE_UNAUTHORISED);
  t.notOk(app.crier.tokens.hasToken(welcome.screenId), 'token dropped');

  const withToken = await refusedHello(t, wsUrl, { screenId: welcome.screenId, token });
  t.equal(withToken.closed.code, CLOSE_UNAUTHORISED, 'the revoked token is refused with 4003');
  t.match(withToken.frames, [{ type: 'unauthorised', reason: 'revoked' }]);
  // Try to slip plays in right behind the refused hello: nothing is taken.
  const sneaky = await connectPlayer(t, wsUrl);
  sneaky.send(helloMessage({ screenId: welcome.screenId, token }));
  sneaky.send({ type: 'plays', records: [play(manifest.items[0]!, manifest.version, new Date())] });
  await sneaky.closed;
  const idOnly = await refusedHello(t, wsUrl, { screenId: welcome.screenId });
  t.equal(idOnly.closed.code, CLOSE_UNAUTHORISED, 'a revoked screen does not answer to its id either');
  t.match(idOnly.frames, [{ type: 'unauthorised', reason: 'revoked' }]);
  await sleep(200);
  t.equal(await app.crier.airingLog.countPlays({ screenId: welcome.screenId }), playsBefore, 'no plays after revocation');

  // The player, now without identity, comes back as a fresh unclaimed screen and can be claimed again.
  const fresh = await helloPlayer(t, wsUrl);
  t.match(fresh.welcome.pairingCode, CODE);
  const reclaim = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: fresh.welcome.pairingCode, name: '车站' } });
  t.equal(reclaim.statusCode, 200);
  t.ok((await fresh.player.next('paired')).token);

  t.equal((await app.inject({ method: 'POST', url: `/api/v1/screens/${fresh.welcome.screenId}/revoke` })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/screens/scr-nosuchscreen/revoke' })).statusCode, 404);
  const unclaimed = await helloPlayer(t, wsUrl);
  const notClaimed = await app.inject({ method: 'POST', url: `/api/v1/screens/${unclaimed.welcome.screenId}/revoke` });
  t.equal(notClaimed.statusCode, 409);
  t.equal(json(notClaimed).reason, 'not-claimed');
});

t.test('a claimed screen cannot be taken over by its id alone, nor by a made-up token; legacy screens keep working', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player, welcome } = await helloPlayer(t, wsUrl);
  await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: welcome.pairingCode, name: '学校门口' } });
  const { token } = await player.next('paired');
  player.send({ type: 'paired-ack', screenId: welcome.screenId });
  await sleep(100);

  const idOnly = await refusedHello(t, wsUrl, { screenId: welcome.screenId });
  t.equal(idOnly.closed.code, CLOSE_UNAUTHORISED);
  t.match(idOnly.frames, [{ type: 'unauthorised', reason: 'token-required' }]);
  t.notOk(idOnly.frames.some((m) => m.type === 'welcome' || m.type === 'manifest'), 'nothing but the refusal');
  const forged = await refusedHello(t, wsUrl, { screenId: welcome.screenId, token: token.slice(0, -2) + 'xx' });
  t.equal(forged.closed.code, CLOSE_UNAUTHORISED);
  t.match(forged.frames, [{ type: 'unauthorised', reason: 'unknown-token' }]);
  t.equal(app.crier.screens.get(welcome.screenId).status.connections, 1, 'the real player is still the only connection');
  // Even if the token store lost the screen's row, a screen claimed through pairing never reverts to id-only.
  app.crier.tokens.drop(welcome.screenId);
  const afterLoss = await refusedHello(t, wsUrl, { screenId: welcome.screenId });
  t.match(afterLoss.frames, [{ type: 'unauthorised', reason: 'token-required' }]);

  // A screen made before pairing existed (claimed, no token hash) still answers to its id until paired.
  await app.crier.catalogue.update((draft) => {
    draft.screens.push({ id: 'scr-legacy', name: '老屏幕', isProvisional: false, groups: [], createdAt: new Date().toISOString() });
  });
  const legacy = await helloPlayer(t, wsUrl, { screenId: 'scr-legacy' });
  t.match(legacy.welcome, { screenId: 'scr-legacy', isProvisional: false });
});

t.test('one address may create only so many unclaimed screens a minute', async (t) => {
  const { app, wsUrl } = await startTestServer(t, { newScreensPerIpPerMinute: 3 });
  const made = [];
  for (let i = 0; i < 3; i++) made.push(await helloPlayer(t, wsUrl));
  const screensBefore = app.crier.catalogue.read().screens.length;
  const limited = await refusedHello(t, wsUrl, {});
  t.equal(limited.closed.code, CLOSE_TRY_AGAIN_LATER);
  t.match(limited.frames, [{ type: 'error', reason: 'too-many-new-screens', message: /稍后.*try again later/ }]);
  const limitedWithId = await refusedHello(t, wsUrl, { screenId: 'scr-madeupid01' });
  t.equal(limitedWithId.closed.code, CLOSE_TRY_AGAIN_LATER, 'an unknown id counts as a new screen');
  t.equal(app.crier.catalogue.read().screens.length, screensBefore, 'no record made');
  const returning = await helloPlayer(t, wsUrl, { screenId: made[0]!.welcome.screenId });
  t.equal(returning.welcome.screenId, made[0]!.welcome.screenId, 'returning screens are not limited');
});

t.test('unclaimed screens are capped: the oldest offline ones go; all online → refused', async (t) => {
  const { app, wsUrl } = await startTestServer(t, { maxUnclaimedScreens: 2 });
  const a = await helloPlayer(t, wsUrl);
  await sleep(5);
  const b = await helloPlayer(t, wsUrl);
  a.player.socket.close();
  await a.player.closed;
  await sleep(50);
  const c = await helloPlayer(t, wsUrl);
  const ids = app.crier.catalogue.read().screens.filter((s) => s.isProvisional).map((s) => s.id);
  t.same(ids.sort(), [b.welcome.screenId, c.welcome.screenId].sort(), 'the oldest offline unclaimed screen was dropped');
  const full = await refusedHello(t, wsUrl, {});
  t.equal(full.closed.code, CLOSE_TRY_AGAIN_LATER);
  t.match(full.frames, [{ type: 'error', reason: 'too-many-unclaimed' }]);
  t.equal(app.crier.catalogue.read().screens.filter((s) => s.isProvisional).length, 2, 'still two');
  // Claimed screens do not count against the cap.
  await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: b.welcome.pairingCode, name: '已认领' } });
  t.ok((await helloPlayer(t, wsUrl)).welcome.pairingCode, 'room again after a claim');
});

t.test('plays of unclaimed screens stay apart in every count, also after a later claim', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const claimedScreen = await helloPlayer(t, wsUrl);
  const other = await helloPlayer(t, wsUrl);
  const { manifest } = await claimedScreen.player.next('manifest');
  const item = manifest.items[0]!;
  const sendPlays = async (p: TestPlayer, records: ReturnType<typeof play>[]) => {
    p.send({ type: 'plays', records });
    await p.next('plays-ack');
  };
  const beforeClaim = new Date(Date.now() - 60_000);
  await sendPlays(claimedScreen.player, [play(item, manifest.version, beforeClaim), play(item, manifest.version, new Date(Date.now() - 30_000))]);
  await sendPlays(other.player, [play(item, manifest.version, new Date(Date.now() - 20_000))]);
  await sleep(5);
  await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: claimedScreen.welcome.pairingCode, name: '广场大屏' } });
  await claimedScreen.player.next('paired');
  await sleep(5);
  // Two after the claim, and one made before it that only now reaches the server (it was queued offline).
  await sendPlays(claimedScreen.player, [
    play(item, manifest.version, new Date()),
    play(item, manifest.version, new Date(Date.now() + 1)),
    play(item, manifest.version, new Date(Date.now() - 10_000)),
  ]);

  const all = json(await app.inject('/api/v1/plays'));
  t.same(all.totals, { claimed: 2, unclaimed: 4 }, 'totals apart');
  t.equal(all.total, 6);
  const claimedOnly = json(await app.inject('/api/v1/plays?unclaimed=exclude'));
  t.equal(claimedOnly.records.length, 2);
  t.ok(claimedOnly.records.every((r: { isProvisional: boolean }) => !r.isProvisional));
  t.equal(claimedOnly.total, 2);
  const screenPlays = json(await app.inject(`/api/v1/plays?screenId=${claimedScreen.welcome.screenId}`));
  t.same(screenPlays.totals, { claimed: 2, unclaimed: 3 }, 'the claimed screen\'s earlier plays stay unclaimed');
  const onlyUnclaimed = json(await app.inject('/api/v1/plays?unclaimed=only'));
  t.equal(onlyUnclaimed.records.length, 4);
  t.equal(await app.crier.airingLog.countPlays({ isProvisional: false }), 2);
  t.equal((await app.inject('/api/v1/plays?unclaimed=maybe')).statusCode, 400);
});

t.test('identify reaches an unclaimed screen too (the overlay shows its name and code)', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const res = await app.inject({ method: 'POST', url: `/api/v1/screens/${welcome.screenId}/commands`, payload: { command: 'identify' } });
  t.equal(res.statusCode, 202);
  t.equal((await player.next('command')).command, 'identify');
});

t.test('the OpenAPI document describes claim and revoke', async (t) => {
  const { app } = await startTestServer(t);
  const spec = json(await app.inject('/docs/json'));
  t.ok(spec.paths['/api/v1/screens/claim']?.post, 'claim documented');
  t.ok(spec.paths['/api/v1/screens/{id}/revoke']?.post, 'revoke documented');
  const schema = JSON.stringify(spec.paths['/api/v1/screens/claim'].post);
  t.match(schema, /code/);
  t.notMatch(JSON.stringify(spec), /tokenHash|pendingToken/, 'no token fields in the API');
});

t.test('claim and revoke need screens:write; township staff stay in their township; refusals change nothing', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const a = await helloPlayer(t, wsUrl);
  const b = await helloPlayer(t, wsUrl);
  const viewer = await signInAs(app, 'viewer');
  const chengguan = await signInAs(app, 'editor', '城关镇');
  const hekou = await placeSite(app, '河口乡', '河口村委会', '社区/村', '河口村');
  const before = JSON.stringify(app.crier.catalogue.read());
  const raw = injectRaw(app);

  const anonymous = await raw({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: a.welcome.pairingCode, name: '匿名' } });
  t.equal(anonymous.statusCode, 401);
  t.equal(json(anonymous).reason, 'not-signed-in');
  const byViewer = await raw({ method: 'POST', url: '/api/v1/screens/claim', headers: viewer.headers, payload: { code: a.welcome.pairingCode, name: '只读' } });
  t.equal(byViewer.statusCode, 403);
  t.equal(json(byViewer).reason, 'forbidden');
  const elsewhere = await raw({ method: 'POST', url: '/api/v1/screens/claim', headers: chengguan.headers, payload: { code: a.welcome.pairingCode, name: '河口村', siteId: hekou } });
  t.equal(elsewhere.statusCode, 403);
  t.equal(json(elsewhere).reason, 'out-of-scope');
  t.equal(JSON.stringify(app.crier.catalogue.read()), before, 'no refusal changed anything');
  t.notOk(a.player.received.some((m) => m.type === 'paired'), 'and no token went out');

  const own = await raw({ method: 'POST', url: '/api/v1/screens/claim', headers: chengguan.headers, payload: { code: a.welcome.pairingCode, name: '城关镇文化站' } });
  t.equal(own.statusCode, 200);
  t.equal(json(own).township, '城关镇', 'the township is filled in from the staff member\'s scope');
  await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: b.welcome.pairingCode, name: '河口村', siteId: hekou } });

  const revokeElsewhere = await raw({ method: 'POST', url: `/api/v1/screens/${b.welcome.screenId}/revoke`, headers: chengguan.headers });
  t.equal(revokeElsewhere.statusCode, 403);
  t.equal(json(revokeElsewhere).reason, 'out-of-scope');
  t.ok(app.crier.tokens.hasToken(b.welcome.screenId), 'still paired');
  const revokeByViewer = await raw({ method: 'POST', url: `/api/v1/screens/${a.welcome.screenId}/revoke`, headers: viewer.headers });
  t.equal(revokeByViewer.statusCode, 403);
  const revokeOwn = await raw({ method: 'POST', url: `/api/v1/screens/${a.welcome.screenId}/revoke`, headers: chengguan.headers });
  t.equal(revokeOwn.statusCode, 200);
  t.equal((await a.player.closed).code, CLOSE_UNAUTHORISED);
});
