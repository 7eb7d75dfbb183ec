// Protocol v1.5 in the real player: told `appliedSpreadMs` in its welcome, the browser player answers
// `manifest-applied` after a random wait below it (here its draws are pinned near the top), and the answer
// that comes late still makes the next change a patch.
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { startTestServer } from '../helper.js';

type Frame = { at: number; text: string };

t.test('the browser player waits as told before it answers manifest-applied; the late answer still lets a patch follow', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  // One player connected at 1,800 ms per player: told 1,800 ms.
  const { app, baseUrl } = await startTestServer(t, { appliedSpreadMsPerPlayer: 1800 });
  const page = await browser.newPage({ viewport: { width: 960, height: 540 } });
  // Every draw 0.99: the answer waits 1,782 ms (other uses of Math.random in the player only jitter retries).
  await page.addInitScript(() => void (Math.random = () => 0.99));
  const received: Frame[] = [];
  const sent: Frame[] = [];
  page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/ws/player')) return;
    ws.on('framereceived', ({ payload }) => void received.push({ at: Date.now(), text: String(payload) }));
    ws.on('framesent', ({ payload }) => void sent.push({ at: Date.now(), text: String(payload) }));
  });
  await page.goto(`${baseUrl}/player`);
  const answers = () => sent.filter((f) => f.text.includes('"type":"manifest-applied"'));
  const until = async (what: string, condition: () => boolean, timeoutMs = 20_000) => {
    const end = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await until('the first answer', () => answers().length >= 1);
  const welcome = JSON.parse(received.find((f) => f.text.includes('"type":"welcome"'))!.text) as { appliedSpreadMs?: number };
  t.equal(welcome.appliedSpreadMs, 1800, 'the welcome says 1,800 ms');
  const firstManifest = received.find((f) => f.text.startsWith('{"type":"manifest"'))!;
  const waited = answers()[0]!.at - firstManifest.at;
  // Frame times are read in this process, a loaded machine may shift them: at once would be tens of ms.
  t.ok(waited >= 1200, `the answer came ${waited} ms after the manifest (asked: 0 … 1,800 ms, drawn 1,782)`);
  const screenId = [...app.crier.presence.allSessions()][0]!.screenId;
  const session = () => app.crier.presence.sessionsOf(screenId)[0]!;
  await until('the server to take the answer as the patch base', () => session().patchBase != null);

  // An alert for all cuts in: the player answers late again; then its clear goes as a patch from the alert's frame.
  const alert = await app.inject({ method: 'POST', url: '/api/v1/alerts', payload: { title: '紧急插播', playlistId: app.crier.catalogue.read().defaultPlaylistId, target: { kind: 'all' }, priority: 50 } });
  t.equal(alert.statusCode, 201, alert.body);
  await until('the alert frame', () => received.some((f) => f.text.startsWith('{"type":"manifest-patch"')));
  const alertFrame = received.find((f) => f.text.startsWith('{"type":"manifest-patch"'))!;
  await until('the answer to the alert', () => answers().length >= 2);
  t.ok(answers()[1]!.at - alertFrame.at >= 1200, `answered ${answers()[1]!.at - alertFrame.at} ms after the alert's patch`);
  await until('the base to move to the alert', () => session().patchBase?.version === session().sentManifestVersion);
  const cleared = await app.inject({ method: 'DELETE', url: `/api/v1/alerts/${(alert.json() as { id: string }).id}` });
  t.equal(cleared.statusCode, 204, cleared.body);
  await until('the clear frame', () => received.filter((f) => f.text.startsWith('{"type":"manifest')).length >= 3);
  t.match(received.filter((f) => f.text.startsWith('{"type":"manifest')).at(-1)!.text, /^\{"type":"manifest-patch"/, 'the clear came as a patch');
});
