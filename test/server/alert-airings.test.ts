// "Air N times, then the schedule again" through the API: an alert made from a playlist with a count
// reaches a station's manifest as N airings from when it went out, then the default audio; the station's
// timeline preview says the same; a screen keeps the alert for its life. Bad counts change nothing.
import t from 'tap';
import { ALERT_TAIL_MS } from '../../playlists/alert-airings.js';
import { planOf } from '../../playlists/airing-plan.js';
import { helloPlayer, startTestServer } from '../helper.js';
import { tone } from '../e2e/station.fixtures.js';

const json = (res: { body: string }) => JSON.parse(res.body);

t.test('an alert with a count airs N times at a station, then the station returns to its schedule', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player: station, welcome } = await helloPlayer(t, wsUrl, { mode: 'audio', capabilities: ['audio'] });
  await station.next('manifest');
  const { player: screen } = await helloPlayer(t, wsUrl);
  await screen.next('manifest');
  // Neither the clip nor the playlist is on air yet: no new manifests until the alert.
  const clip = await tone(app, '紧急提示音', 2, 660);
  const slogan = app.crier.catalogue.read().media.find((m) => m.kind === 'text')!;
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });
  const playlist = json(await post('/api/v1/playlists', { name: '紧急插播', items: [{ mediaId: slogan.id, durationMs: 10_000 }, { mediaId: clip.id }] }));

  const before = app.crier.catalogue.read().alerts.length;
  for (const airings of [0, 11, 1.5, '2']) {
    const bad = await post('/api/v1/alerts', { title: '坏次数', playlistId: playlist.id, target: { kind: 'all' }, airings });
    t.equal(bad.statusCode, 400, `airings ${JSON.stringify(airings)} refused`);
  }
  t.equal(app.crier.catalogue.read().alerts.length, before, 'refusals change nothing');

  const res = await post('/api/v1/alerts', { title: '紧急通知', playlistId: playlist.id, target: { kind: 'all' }, airings: 2 });
  t.equal(res.statusCode, 201, res.body);
  const alert = json(res);
  t.equal(alert.airings, 2);

  const plan = planOf((await station.next('manifest')).manifest);
  const at = plan.findIndex((s) => s.sourceKind === 'alert');
  const segment = plan[at]!;
  t.equal(segment.mode, 'once', 'a station airs it a set number of times, not in a loop');
  t.equal(segment.anchor, Date.parse(alert.startsAt), 'counted from when it went out (its audio was ready before)');
  t.same(segment.items.map((i) => i.mediaId), [clip.id, clip.id], 'twice');
  t.equal(segment.end, segment.anchor! + 2 * segment.items[0]!.durationMs + ALERT_TAIL_MS);
  t.equal(plan[at + 1]?.sourceKind, 'default', 'then the default campaign again');
  t.ok(plan[at + 1]?.items.some((i) => i.type === 'audio' && i.mediaId !== clip.id), 'with its own audio');

  const onScreen = planOf((await screen.next('manifest')).manifest).filter((s) => s.sourceKind === 'alert');
  t.same(onScreen.map((s) => [s.mode, s.end]), [['loop', Infinity]], 'a screen shows the alert until it is cleared');

  const preview = json(await app.inject({ url: `/api/v1/screens/${welcome.screenId}/timeline?from=${encodeURIComponent(alert.startsAt)}` }));
  t.same(
    preview.segments.slice(0, 2).map((s: { source: { kind: string }; mode: string; items: unknown[]; start: string }) => [s.source.kind, s.mode, s.items.length, Date.parse(s.start)]),
    [['alert', 'once', 2, segment.start], ['default', 'loop', plan[at + 1]!.items.length, segment.end]],
    'the preview says what the station airs',
  );
});
