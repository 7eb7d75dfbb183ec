// Village loudspeakers never blare all night and never fall silent by accident (issue 12.2): default
// quiet hours are put in once, a rule without audio falls through for stations (to the default audio),
// the preview says so, and the console can ask which stations are left without audio.
import t from 'tap';
import { planSegmentAt } from '../../playlists/airing-plan.js';
import { loadConfig } from '../../server/config.js';
import { STATION_QUIET_HOURS_ID } from '../../server/quiet-hours.seed.js';
import { buildTestApp, helloPlayer, startTestServer } from '../helper.js';

const json = (res: { body: string }) => JSON.parse(res.body);

t.test('a fresh install has the default quiet hours once; a deleted one is not put back; an existing catalogue gets them once', async (t) => {
  t.same(loadConfig({}).stationQuietHours, { start: '22:00', end: '06:30' }, 'the default setting');
  t.same(loadConfig({ CRIER_STATION_QUIET_HOURS: '21:30-07:00' }).stationQuietHours, { start: '21:30', end: '07:00' });
  t.equal(loadConfig({ CRIER_STATION_QUIET_HOURS: 'off' }).stationQuietHours, null);
  t.throws(() => loadConfig({ CRIER_STATION_QUIET_HOURS: '22-6' }), /CRIER_STATION_QUIET_HOURS/);

  const dataDir = t.testdir();
  const first = await buildTestApp(t, { dataDir, stationQuietHours: loadConfig({}).stationQuietHours });
  const quiet = json(await first.inject({ url: '/api/v1/quiet-hours' }));
  t.equal(quiet.length, 1, 'one rule on a fresh install');
  t.same(quiet[0].windows, [{ start: '22:00', end: '06:30' }]);
  t.same(quiet[0].target, { kind: 'all' });
  t.match(quiet[0].name, /静音/);
  t.equal((await first.inject({ method: 'DELETE', url: `/api/v1/quiet-hours/${STATION_QUIET_HOURS_ID}` })).statusCode, 204, 'staff may delete it');
  await first.close();
  const again = await buildTestApp(t, { dataDir, stationQuietHours: loadConfig({}).stationQuietHours });
  t.same(json(await again.inject({ url: '/api/v1/quiet-hours' })), [], 'not put back after a restart');
  await again.close();

  // A catalogue from before the setting existed gets them at its next start, and only once.
  const olderDir = t.testdir();
  const older = await buildTestApp(t, { dataDir: olderDir, stationQuietHours: null });
  t.same(json(await older.inject({ url: '/api/v1/quiet-hours' })), []);
  await older.close();
  for (let i = 0; i < 2; i++) {
    const upgraded = await buildTestApp(t, { dataDir: olderDir, stationQuietHours: { start: '22:00', end: '06:30' } });
    t.equal(json(await upgraded.inject({ url: '/api/v1/quiet-hours' })).length, 1, `start ${i + 1}: one rule`);
    await upgraded.close();
  }
});

t.test('a rule with no audio does not silence a station: it falls through to the default audio, and the preview says so', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const catalogue = app.crier.catalogue.read();
  const slogans = catalogue.media.filter((m) => m.kind === 'text');
  const defaultAudio = catalogue.media.find((m) => m.kind === 'audio')!;
  const { player: station, welcome } = await helloPlayer(t, wsUrl, { mode: 'audio', capabilities: ['audio'] });
  await station.next('manifest');
  const { player: screen } = await helloPlayer(t, wsUrl);
  await screen.next('manifest');
  t.equal(app.crier.catalogue.read().screens.find((s) => s.id === welcome.screenId)?.mode, 'audio', 'the screen is known as a station');

  const playlistId = json(await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '标语轮播', items: slogans.slice(0, 2).map((m) => ({ mediaId: m.id, durationMs: 5000 })) } })).id;
  const res = await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { name: '全天标语', playlistId, target: { kind: 'all' }, priority: 10 } });
  t.equal(res.statusCode, 201);
  const scheduleId = json(res).id;

  const stationManifest = (await station.next('manifest')).manifest;
  const onStation = planSegmentAt(stationManifest, Date.now());
  t.equal(onStation.sourceKind, 'default', 'the station airs the default campaign');
  t.ok(onStation.items.some((i) => i.mediaId === defaultAudio.id), 'with its audio');
  t.ok(onStation.items.every((i) => i.type === 'audio'), 'and only audio');
  const screenManifest = (await screen.next('manifest')).manifest;
  t.equal(planSegmentAt(screenManifest, Date.now()).sourceKind, 'schedule', 'a screen airs the schedule');

  const preview = json(await app.inject({ url: `/api/v1/screens/${welcome.screenId}/timeline` }));
  const seg = preview.segments[0];
  t.equal(seg.isStation, true);
  t.equal(seg.source.kind, 'default');
  t.same(seg.passed.map((p: { source: { id: string }; playlistName: string; name: string }) => [p.source.id, p.playlistName, p.name]), [[scheduleId, '标语轮播', '全天标语']], 'names the rule passed over');
  t.match(seg.reason, /passed over/);
});

t.test('stations without audio in the next 24 h, and what a schedule would leave its stations', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player: station, welcome } = await helloPlayer(t, wsUrl, { mode: 'audio', capabilities: ['audio'] });
  await station.next('manifest');
  const { welcome: screenWelcome } = await helloPlayer(t, wsUrl);
  t.same(json(await app.inject({ url: '/api/v1/screens/stations-without-audio' })), [], 'the default campaign has audio');

  const slogans = app.crier.catalogue.read().media.filter((m) => m.kind === 'text');
  const playlistId = json(await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '标语轮播', items: [{ mediaId: slogans[0]!.id, durationMs: 5000 }] } })).id;
  const check = async () => json(await app.inject({ method: 'POST', url: '/api/v1/schedules/station-check', payload: { kind: 'schedule', rule: { playlistId, target: { kind: 'all' }, priority: 10 } } }));
  const before = JSON.stringify(app.crier.catalogue.read());
  const passed = await check();
  t.same(passed.passedOver.map((s: { screenId: string }) => s.screenId), [welcome.screenId], 'the station would air the default audio instead');
  t.same(passed.silent, []);
  t.notOk(passed.passedOver.some((s: { screenId: string }) => s.screenId === screenWelcome.screenId), 'screens are not stations');
  t.equal(JSON.stringify(app.crier.catalogue.read()), before, 'the check writes nothing');

  // A default campaign without audio: the same schedule would leave the station with nothing to play.
  await app.crier.catalogue.update((d) => {
    const audioIds = new Set(d.media.filter((m) => m.kind === 'audio').map((m) => m.id));
    const pl = d.playlists.find((p) => p.id === d.defaultPlaylistId)!;
    pl.items = pl.items.filter((i) => !audioIds.has(i.mediaId));
  });
  const silent = await check();
  t.same(silent.silent.map((s: { screenId: string }) => s.screenId), [welcome.screenId], 'nothing to play');
  const listed = json(await app.inject({ url: '/api/v1/screens/stations-without-audio' }));
  t.same(listed.map((s: { screenId: string }) => s.screenId), [welcome.screenId], 'listed as without audio for the next 24 h');
});
