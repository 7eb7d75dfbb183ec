// Manifest patches in real Chromium: the player says `manifest-patch`, gets an alert for all and its clear as
// small patch frames and airs them; a patch for a base it does not hold, or one that is malformed, is not
// applied (it keeps airing the same version) and it asks for the whole manifest, which the server sends.
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { startTestServer } from '../helper.js';

type Frame = { dir: 'in' | 'out'; text: string; type: string };

t.test('a real player takes an alert for all and its clear as patches, and asks for the whole manifest when a patch does not fit', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 });
  const slogans = app.crier.catalogue.read().media.filter((m) => m.kind === 'text').slice(0, 2);
  const created = await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '补丁插播', items: slogans.map((m) => ({ mediaId: m.id, durationMs: 2000 })) } });
  t.equal(created.statusCode, 201, 'a playlist for the alert');
  const alertPlaylist = JSON.parse(created.body).id as string;

  const page = await browser.newPage({ viewport: { width: 960, height: 540 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const frames: Frame[] = [];
  const typeOf = (text: string) => (JSON.parse(text) as { type: string }).type;
  let toPage: ((text: string) => void) | null = null;
  await page.routeWebSocket(/\/ws\/player/, (ws) => {
    const server = ws.connectToServer();
    toPage = (text) => ws.send(text);
    ws.onMessage((message) => {
      frames.push({ dir: 'out', text: String(message), type: typeOf(String(message)) });
      server.send(message);
    });
    server.onMessage((message) => {
      frames.push({ dir: 'in', text: String(message), type: typeOf(String(message)) });
      ws.send(message);
    });
  });
  await page.goto(`${baseUrl}/player`);
  const session = () => [...app.crier.presence.allSessions()][0]!;
  const waitUntil = async (condition: () => boolean, what: string) => {
    for (let i = 0; !condition(); i++) {
      if (i > 3000) throw new Error(`waited too long for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const version = () => page.evaluate(() => document.documentElement.dataset.manifestVersion ?? '');
  const source = () => page.evaluate(() => document.querySelector<HTMLElement>('#stage')?.dataset.source ?? '');
  // The default campaign airs and the server knows the player applied it: patches may start from it.
  await page.waitForFunction(() => document.documentElement.dataset.manifestVersion, null, { timeout: 20_000 });
  await waitUntil(() => session().patchBase?.version === session().sentManifestVersion, 'the first manifest confirmed');
  t.ok(session().acceptsManifestPatch, 'the player said manifest-patch');
  const whole = frames.find((f) => f.type === 'manifest')!;

  // An alert for all: a patch, small, and the player airs the alert.
  let mark = frames.length;
  const alert = await app.inject({ method: 'POST', url: '/api/v1/alerts', payload: { title: '补丁测试', playlistId: alertPlaylist, target: { kind: 'all' }, priority: 50 } });
  t.equal(alert.statusCode, 201, 'alert for all');
  await page.waitForFunction(() => document.querySelector<HTMLElement>('#stage')?.dataset.source === 'alert', null, { timeout: 20_000 });
  const onAlert = frames.slice(mark).filter((f) => f.dir === 'in' && f.type.startsWith('manifest'));
  t.same(onAlert.map((f) => f.type), ['manifest-patch'], 'the alert came as one patch');
  t.ok(onAlert[0]!.text.length * 3 < whole.text.length, `patch ${onAlert[0]!.text.length} bytes, the whole manifest ${whole.text.length}`);
  await waitUntil(() => session().patchBase?.version === session().sentManifestVersion && session().appliedManifestVersion === session().sentManifestVersion, 'the patched manifest confirmed');
  t.equal(await version(), session().sentManifestVersion, 'the player airs the patched version');

  // Cleared: a patch again, back to the campaign.
  mark = frames.length;
  const cleared = await app.inject({ method: 'POST', url: `/api/v1/alerts/${(JSON.parse(alert.body) as { id: string }).id}/clear` });
  t.equal(cleared.statusCode, 200, 'alert cleared');
  await page.waitForFunction(() => document.querySelector<HTMLElement>('#stage')?.dataset.source === 'default', null, { timeout: 20_000 });
  t.same(frames.slice(mark).filter((f) => f.dir === 'in' && f.type.startsWith('manifest')).map((f) => f.type), ['manifest-patch'], 'the clear came as one patch');
  await waitUntil(() => session().appliedManifestVersion === session().sentManifestVersion, 'the clear confirmed');

  // Patches it cannot use: another base; a result that is not a manifest; a frame that is not a patch.
  const held = await version();
  const bad = [
    { type: 'manifest-patch', base: 'not-what-it-holds', patch: { keys: { reason: { replace: 'x' } } } },
    { type: 'manifest-patch', base: held, patch: { keys: { timeline: { keys: { segments: { replace: [] } } } } } },
    { type: 'manifest-patch', base: held, patch: { bogus: true } },
  ];
  for (const frame of bad) {
    mark = frames.length;
    toPage!(JSON.stringify(frame));
    await waitUntil(() => frames.slice(mark).some((f) => f.dir === 'out' && f.type === 'manifest-wanted'), `manifest-wanted after ${JSON.stringify(frame.patch)}`);
    await waitUntil(() => frames.slice(mark).some((f) => f.dir === 'in' && f.type === 'manifest'), 'the whole manifest');
    const wanted = JSON.parse(frames.slice(mark).find((f) => f.type === 'manifest-wanted')!.text) as { version: string | null };
    t.equal(wanted.version, held, `asked for the whole manifest, naming the version it airs (${frame.base === held ? 'bad patch' : 'other base'})`);
    t.equal(await version(), held, 'still airing the same version: nothing half-applied');
    t.equal(await source(), 'default', 'still airing the campaign');
  }
  t.same(pageErrors, [], 'no script errors');
});
