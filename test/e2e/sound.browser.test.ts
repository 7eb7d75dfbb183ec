// Sound where it belongs (issue 12.3), in Chromium: a video airs with its sound on a screen set to sound on
// (at the scheduled volume) and muted on a default screen; a site type's setting applies where the screen has none.
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { startTestServer } from '../helper.js';
import { placeSite } from '../register.fixtures.js';

const json = (res: { body: string }) => JSON.parse(res.body);

t.test('a video has its sound on a sound-on screen and none on a default screen, following the volume', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 });
  const open = async () => {
    const page = await browser.newPage({ viewport: { width: 960, height: 540 } });
    await page.goto(`${baseUrl}/player`);
    await page.waitForFunction(() => document.documentElement.dataset.connection === 'online' && !!document.documentElement.dataset.screenId, null, { timeout: 15_000 });
    return { page, screenId: (await page.evaluate(() => document.documentElement.dataset.screenId))! };
  };
  const loud = await open();
  const plain = await open();
  t.equal((await app.inject({ method: 'PATCH', url: `/api/v1/screens/${loud.screenId}`, payload: { sound: 'on' } })).statusCode, 200);
  t.equal(json(await app.inject({ url: `/api/v1/screens/${loud.screenId}` })).status.sound, true);
  t.equal(json(await app.inject({ url: `/api/v1/screens/${plain.screenId}` })).status.sound, false, 'screens are muted by default');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/volume-schedules', payload: { name: '音量', target: { kind: 'all' }, levels: [{ from: '00:00', to: '24:00', volume: 40 }] } })).statusCode, 201);

  const video = app.crier.catalogue.read().media.find((m) => m.kind === 'video')!;
  const playlistId = json(await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '视频', items: [{ mediaId: video.id }] } })).id;
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId, target: { kind: 'all' }, priority: 10 } })).statusCode, 201);

  const videoOnAir = (page: typeof loud.page) =>
    page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('#stage .layer.is-live video');
      return v && !v.paused && v.currentTime > 0.2 ? { muted: v.muted, volume: v.volume } : null;
    }, null, { timeout: 30_000 }).then((h) => h.jsonValue());
  t.same(await videoOnAir(loud.page), { muted: false, volume: 0.4 }, 'sound on, at the scheduled volume');
  t.same(await videoOnAir(plain.page), { muted: true, volume: 0.4 }, 'muted on a default screen');

  // The site type's setting applies where the screen has none.
  await app.inject({ method: 'PATCH', url: `/api/v1/screens/${plain.screenId}`, payload: { siteId: await placeSite(app, '城关镇', '客运站候车厅', '车站') } });
  t.equal((await app.inject({ method: 'PUT', url: '/api/v1/site-type-sound', payload: { siteType: '车站', sound: 'on' } })).statusCode, 200);
  t.equal(json(await app.inject({ url: `/api/v1/screens/${plain.screenId}` })).status.sound, true, 'by its site type');
  const manifest = app.crier.publisher.manifestFor(plain.screenId);
  t.equal(manifest?.timeline?.sound, true, 'the manifest says so');
});
