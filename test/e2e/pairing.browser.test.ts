// End to end in Chromium: a new player shows its pairing code while it airs; staff claim the code
// through the API; the page shows its new name, no code, and keeps airing; staff revoke it; the page
// shows that it is not authorised, with a fresh code, and airs nothing (no plays reach the server).
import t from 'tap';
import { PAIRING_CODE_ALPHABET } from '../../player/protocol.js';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { sleep, startTestServer } from '../helper.js';
import { placeSite } from '../register.fixtures.js';

const CODE = new RegExp(`^[${PAIRING_CODE_ALPHABET}]{6}$`);

t.test('pairing a browser player: code → claim → airs as claimed → revoke → not authorised', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 });
  // Short items, so play records come quickly.
  const defaultId = app.crier.catalogue.read().defaultPlaylistId!;
  const slogans = app.crier.catalogue.read().media.filter((m) => m.kind === 'text').slice(0, 3);
  const put = await app.inject({ method: 'PUT', url: `/api/v1/playlists/${defaultId}`, payload: { name: '快速循环', items: slogans.map((m) => ({ mediaId: m.id, durationMs: 1000 })) } });
  t.equal(put.statusCode, 200);

  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${baseUrl}/player`);
  const html = page.locator('html');

  // Unclaimed: the code and the screen size in a corner, while the default campaign airs.
  await page.waitForFunction(() => document.documentElement.dataset.pairing === 'unclaimed' && document.querySelector('#stage')?.getAttribute('data-item-id'), null, { timeout: 20_000 });
  const code = (await page.locator('#pairing-badge #pairing-code').textContent())!;
  t.match(code, CODE, `the page shows pairing code ${code}`);
  t.ok(await page.locator('#pairing-badge').isVisible(), 'the code badge is visible');
  t.match(await page.locator('#pairing-badge').textContent(), /1280×720/, 'with the screen size');
  const screenId = (await html.getAttribute('data-screen-id'))!;
  t.equal(app.crier.catalogue.read().screens.find((s) => s.id === screenId)?.pairingCode, code, 'the code is the server\'s');

  // Claim through the API.
  const claim = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code, name: '城关镇便民服务中心', siteId: await placeSite(app, '城关镇', '便民服务中心', '机关') } });
  t.equal(claim.statusCode, 200, claim.body);
  const claimedAt = Date.now();
  await page.waitForFunction(() => document.documentElement.dataset.pairing === 'claimed', null, { timeout: 10_000 });
  await page.locator('#pairing-badge', { hasText: '城关镇便民服务中心' }).waitFor({ state: 'visible', timeout: 5000 });
  t.pass('the page shows its new name');
  t.equal(await page.locator('#pairing-code').count(), 0, 'and no code');
  t.ok(await page.evaluate(() => localStorage.getItem('crier.token')?.includes('"token"')), 'the token is kept by the player');

  // Keeps airing, and its plays now count as a claimed screen's.
  const deadline = Date.now() + 20_000;
  const claimedPlays = async () => (await app.crier.airingLog.listPlays({ screenId, limit: 100 })).filter((p) => !p.isProvisional && Date.parse(p.startedAt) >= claimedAt);
  while (Date.now() < deadline && (await claimedPlays()).length < 2) await sleep(200);
  const claimed = (await claimedPlays()).length;
  t.ok(claimed >= 2, `plays as a claimed screen after the claim (${claimed})`);
  t.equal(app.crier.screens.get(screenId).status.connections, 1, 'still connected (reconnects would use the token)');

  // Identify: the overlay shows the name.
  const identify = await app.inject({ method: 'POST', url: `/api/v1/screens/${screenId}/commands`, payload: { command: 'identify' } });
  t.equal(identify.statusCode, 202);
  await page.locator('#identify', { hasText: '城关镇便民服务中心' }).waitFor({ state: 'visible', timeout: 5000 });
  t.pass('identify shows the screen name');

  // Revoke: not authorised, full screen, a fresh code, and nothing airs.
  const revoke = await app.inject({ method: 'POST', url: `/api/v1/screens/${screenId}/revoke` });
  t.equal(revoke.statusCode, 200);
  const revokedAt = Date.now();
  await page.waitForFunction(() => document.documentElement.dataset.pairing === 'unauthorised', null, { timeout: 10_000 });
  await page.locator('#pairing-card', { hasText: '未授权' }).waitFor({ state: 'visible', timeout: 5000 });
  t.pass('the page says it is not authorised');
  await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('#pairing-card #pairing-code')?.textContent ?? ''), CODE.source, { timeout: 10_000 });
  const freshCode = (await page.locator('#pairing-card #pairing-code').textContent())!;
  t.not(freshCode, code, `a fresh code to claim it again: ${freshCode}`);
  t.equal(await page.locator('#stage video, #stage audio, #stage .layer').count(), 0, 'no media on stage');
  t.equal(await page.locator('#stage').getAttribute('data-item-id'), null, 'nothing airs');
  const freshId = await html.getAttribute('data-screen-id');
  t.not(freshId, screenId, 'the revoked identity is forgotten');

  // No play records after the revocation, from either identity, for a few item lengths.
  await sleep(4000);
  const after = await app.crier.airingLog.listPlays({ from: new Date(revokedAt), limit: 100 });
  t.same(after, [], 'no plays arrive after revocation');
  t.equal(await page.evaluate(() => localStorage.getItem('crier.token')), null, 'the token is gone from the player');

  // Claimed again with the fresh code: it airs once more.
  const reclaim = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: freshCode, name: '城关镇便民服务中心（新）' } });
  t.equal(reclaim.statusCode, 200);
  await page.waitForFunction(() => document.documentElement.dataset.pairing === 'claimed' && document.querySelector('#stage')?.getAttribute('data-item-id'), null, { timeout: 20_000 });
  t.pass('airing again after a new claim');
  t.same(pageErrors, [], 'no script errors on the player page');
});

t.test('code-only setting: an unclaimed player shows only its code, large, and airs nothing', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000, unclaimedDisplay: 'code-only' });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${baseUrl}/player`);
  await page.waitForFunction(() => document.documentElement.dataset.pairing === 'code-only', null, { timeout: 20_000 });
  const code = (await page.locator('#pairing-card #pairing-code').waitFor({ state: 'visible', timeout: 10_000 }).then(() => page.locator('#pairing-card #pairing-code').textContent()))!;
  t.match(code, CODE);
  const size = await page.locator('#pairing-card #pairing-code').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  t.ok(size >= 100, `large (${size}px)`);
  await sleep(2500);
  t.equal(await page.locator('#stage').getAttribute('data-item-id'), null, 'nothing airs');
  t.equal(await app.crier.airingLog.countPlays({}), 0, 'no plays');
  const claim = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code, name: '村委会' } });
  t.equal(claim.statusCode, 200);
  await page.waitForFunction(() => document.documentElement.dataset.pairing === 'claimed' && document.querySelector('#stage')?.getAttribute('data-item-id'), null, { timeout: 20_000 });
  t.pass('claimed: it airs');
});
