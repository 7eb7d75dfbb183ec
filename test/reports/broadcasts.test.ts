// Fixed-time broadcasts in the compliance report, and the GD/J terminal status codes the exports carry:
// two village stations share a 07:00 broadcast; one aired it, the other was off line all day.
import readXlsxFile from 'read-excel-file/node';
import t from 'tap';
import type { Heartbeat } from '../../player/protocol.js';
import { buildTestApp } from '../helper.js';
import { addTownships, AT, local } from './fixtures.js';

const DAY = '2027-01-12';
const clock = { now: () => new Date('2027-01-18T02:00:00Z') };

async function twoStations(t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t, { timeZone: 'Asia/Shanghai', offlineAfterMs: 90_000 }, { clock });
  await addTownships(app);
  const audio = app.crier.catalogue.read().media.find((m) => m.kind === 'audio')!;
  await app.crier.catalogue.update((draft) => {
    draft.screens.push({ id: 'scr-hk-radio', name: '河口村广播', isProvisional: false, siteId: 's-hk', township: '河口乡', groups: [], mode: 'audio', createdAt: AT });
    draft.playlists.push({ id: 'pl-morning', name: '早间反诈广播', description: '', createdAt: AT, updatedAt: AT, items: [{ id: 'morning-1', mediaId: audio.id, durationMs: 60_000 }] });
    draft.broadcasts = [
      ...(draft.broadcasts ?? []),
      { id: 'bc-7', name: '早七点广播', playlistId: 'pl-morning', target: { kind: 'screens', screenIds: ['scr-xm', 'scr-hk-radio'] }, times: ['07:00'], priority: 0, createdAt: AT },
    ];
  });
  // 西门村 is on line 06:30–08:00 and airs the broadcast at 07:00:02; 河口村's station sends nothing all day.
  const log = app.crier.airingLog;
  for (let at = local(DAY, 6, 30).getTime(); at <= local(DAY, 8).getTime(); at += 30_000) {
    const beat: Heartbeat = { type: 'heartbeat', sentAt: new Date(at).toISOString(), airing: null, manifestVersion: 'v1', uptimeMs: 1 };
    log.recordHeartbeat('scr-xm', beat, new Date(at));
  }
  const start = local(DAY, 7).getTime() + 2_000;
  await log.recordPlays('scr-xm', false, [{
    id: 'play-bc-7', itemId: 'morning-1', mediaId: audio.id, hash: 'a'.repeat(64), manifestVersion: 'v1',
    plannedStartedAt: local(DAY, 7).toISOString(), startedAt: new Date(start).toISOString(), endedAt: new Date(start + 60_000).toISOString(), completed: true,
  }]);
  await log.flush();
  return app;
}

t.test('compliance: a station off line at a fixed-time broadcast is listed as missed, one that aired it is not', async (t) => {
  const app = await twoStations(t);
  const res = await app.inject({ url: `/api/v1/reports/compliance?from=${DAY}&to=${DAY}` });
  t.equal(res.statusCode, 200, res.body);
  const r = JSON.parse(res.body);
  t.same(r.broadcasts, { planned: 2, missed: 1 });
  t.match(r.missedBroadcasts, [
    { screenId: 'scr-hk-radio', screenName: '河口村广播', kind: 'station', townshipName: '河口乡', villageName: '河口村', day: DAY, plannedAt: local(DAY, 7).toISOString(), playlistName: '早间反诈广播', reason: /离线|offline/, terminalStatus: 2 },
  ]);
  t.notOk(r.missedBroadcasts.some((b: { screenId: string }) => b.screenId === 'scr-xm'), '西门村 aired it');

  const csv = await app.inject({ url: `/api/v1/reports/compliance/csv?from=${DAY}&to=${DAY}` });
  t.equal(csv.statusCode, 200);
  const missedLine = csv.body.split('\n').find((l) => l.includes('河口村广播') && l.includes('早间反诈广播'));
  t.ok(missedLine, 'the missed broadcast is a row of the CSV');
  t.match(csv.body, /终端状态\(GD\/J\)/);
  t.match(missedLine, /2 停止/, 'off line: GD/J 2, stopped');
});

t.test('proof exports carry each line’s GD/J terminal status: 5 broadcasting when aired, 2 stopped when off line', async (t) => {
  const app = await twoStations(t);
  const aired = JSON.parse((await app.inject({ url: `/api/v1/reports/proof?screenId=scr-xm&day=${DAY}` })).body);
  t.match(aired.lines.find((l: { startedAt: string | null }) => l.startedAt !== null), { status: 'completed', terminalStatus: 5 });
  t.ok(aired.lines.filter((l: { status: string }) => l.status === 'not-aired').every((l: { reason: string; terminalStatus: number }) => (/offline/.test(l.reason) ? l.terminalStatus === 2 : true)));
  const silent = JSON.parse((await app.inject({ url: `/api/v1/reports/proof?screenId=scr-hk-radio&day=${DAY}` })).body);
  const broadcast = silent.lines.find((l: { plannedAt: string | null }) => l.plannedAt === local(DAY, 7).toISOString());
  t.match(broadcast, { status: 'not-aired', reason: /offline/, terminalStatus: 2 });

  const csv = (await app.inject({ url: `/api/v1/reports/proof/csv?screenId=scr-xm&day=${DAY}` })).body;
  t.match(csv, /终端状态\(GD\/J\)/);
  t.match(csv.split('\n').find((l) => l.includes('完整播出')), /5 播发/);
  const xlsx = await app.inject({ url: `/api/v1/reports/proof/xlsx?screenId=scr-hk-radio&day=${DAY}` });
  t.equal(xlsx.statusCode, 200);
  const rows = (await readXlsxFile(xlsx.rawPayload)).flatMap((sheet) => sheet.data.map((row) => row.map(String)));
  const header = rows.find((row) => row.includes('终端状态(GD/J)'))!;
  t.ok(header, 'the XLSX has the column');
  const column = header.indexOf('终端状态(GD/J)');
  t.ok(rows.some((row) => row[column] === '2 停止'), 'read back by another library');
});
