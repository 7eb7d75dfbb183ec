// The as-run log of a hand-made screen-day: a noon broadcast of two items of which one aired, a screen
// online only around noon, a player that reported its cache incomplete. Planned against aired, with
// the rule in words, and each miss with its reason.
import t from 'tap';
import type { Heartbeat } from '../../player/protocol.js';
import { AsRunSchema } from '../../server/routes/proof.routes.js';
import { buildTestApp } from '../helper.js';

const at = '2026-01-01T00:00:00.000Z';
// 2026-01-10 in Shanghai runs from 2026-01-09T16:00Z to 2026-01-10T16:00Z; noon is 04:00Z.
const NOON = Date.parse('2026-01-10T04:00:00Z');

t.test('as-run: planned against aired, rules in words, misses with reasons, the chain of the day', async (t) => {
  const app = await buildTestApp(t, { offlineAfterMs: 90_000 });
  await app.crier.catalogue.update((draft) => {
    draft.screens.push({ id: 'scr-mall', name: '万达广场', isProvisional: false, township: '城关镇', groups: [], createdAt: at });
    draft.playlists.push({ id: 'pl-noon', name: '午间反诈提醒', description: '', createdAt: at, updatedAt: at, items: [
      { id: 'noon-1', mediaId: 'media-slogan-loan-1', durationMs: 8000 },
      { id: 'noon-2', mediaId: 'media-slogan-invest-1', durationMs: 8000 },
    ] });
    draft.broadcasts = [...(draft.broadcasts ?? []), { id: 'bc-noon', name: '午间广播', playlistId: 'pl-noon', target: { kind: 'all' }, times: ['12:00'], priority: 0, createdAt: at }];
  });
  const beat = (ms: number, extra: Partial<Heartbeat> = {}) =>
    app.crier.airingLog.recordHeartbeat('scr-mall', { type: 'heartbeat', sentAt: new Date(ms).toISOString(), airing: null, manifestVersion: 'v1', uptimeMs: 1, ...extra }, new Date(ms));
  beat(NOON - 3_600_000, { playerVersion: '0.2', cache: { items: 18, itemsTotal: 20, bytes: 1, bytesTotal: 2 } });
  for (let ms = NOON - 3_600_000 + 30_000; ms <= NOON + 1_800_000; ms += 30_000) beat(ms);
  await app.crier.airingLog.recordPlays('scr-mall', false, [{
    id: '6f1c3c1e-1b7a-4f47-9a39-0d6f3f1f0001', itemId: 'noon-1', mediaId: 'media-slogan-loan-1', hash: 'a'.repeat(64), manifestVersion: 'v1',
    plannedStartedAt: new Date(NOON).toISOString(), startedAt: new Date(NOON + 120).toISOString(), endedAt: new Date(NOON + 8120).toISOString(),
    completed: true, outcome: 'completed', clockOffsetMs: -120,
  }]);

  const res = await app.inject({ url: '/api/v1/proof/as-run?screenId=scr-mall&day=2026-01-10' });
  t.equal(res.statusCode, 200, res.body);
  const log = JSON.parse(res.body);
  // The route writes its (large) answer without validating it: what it writes must be what the schema says, no field more.
  t.strictSame(log, AsRunSchema.parse(log), 'the answer is exactly the documented shape');
  t.equal(log.plannedFrom, 'current-catalogue');
  t.match(log.note.zh, /当前的节目目录/);
  t.match(log.aired, [{ itemId: 'noon-1', title: '网贷诈骗：放款前收费', plannedStart: '2026-01-10T04:00:00.000Z', start: '2026-01-10T04:00:00.120Z', outcome: 'completed', clockOffsetMs: -120, isPlanned: true, seq: 1 }]);
  t.match(log.aired[0].rule, { zh: '定时广播「午间广播」（优先级 0），播放列表「午间反诈提醒」', en: 'fixed-time broadcast "午间广播" (priority 0), playlist "午间反诈提醒"' });
  const broadcast = log.segments.find((s: { mode: string }) => s.mode === 'once');
  t.match(broadcast, { start: '2026-01-10T04:00:00.000Z', end: '2026-01-10T04:00:16.000Z', aired: 1 });
  t.match(log.missed.find((m: { itemId: string | null }) => m.itemId === 'noon-2'), { start: '2026-01-10T04:00:08.000Z', reason: 'not-cached', reasonWords: { zh: /素材未缓存/ } }, 'online at the time, but the player said its cache was incomplete');
  const loops = log.missed.filter((m: { itemId: string | null }) => m.itemId === null);
  t.same(loops.map((m: { reason: string }) => m.reason), ['offline', 'offline'], 'the default loop before and after: offline most of the time');
  t.match(loops[0].rule.zh, /^默认宣传，播放列表「防范电信网络诈骗/);
  t.equal(log.onlineMs, 5_400_000, 'online 11:00–12:30');
  t.match(log.chain, { ok: true, checked: 1 });

  const unknown = await app.inject({ url: '/api/v1/proof/as-run?screenId=scr-none&day=2026-01-10' });
  t.equal(unknown.statusCode, 404);
  t.match(JSON.parse(unknown.body).message, /^未找到屏幕 \/ no screen scr-none/);
  t.equal((await app.inject({ url: '/api/v1/proof/as-run?screenId=scr-mall&day=2026-13-40' })).statusCode, 400);
});

t.test('as-run: a rule that lost to an alert is listed as outranked; audio missed while sound was blocked says so', async (t) => {
  const app = await buildTestApp(t, { offlineAfterMs: 90_000 });
  const audio = app.crier.catalogue.read().media.find((m) => m.kind === 'audio')!;
  await app.crier.catalogue.update((draft) => {
    draft.screens.push({ id: 'scr-village', name: '河口村', isProvisional: false, township: '河口乡', groups: [], createdAt: at });
    draft.playlists.push({ id: 'pl-audio', name: '村村通广播', description: '', createdAt: at, updatedAt: at, items: [{ id: 'audio-1', mediaId: audio.id, durationMs: 60_000 }] });
    draft.schedules.push({ id: 'sch-morning', name: '早间循环', playlistId: 'pl-audio', target: { kind: 'all' }, priority: 5, windows: [{ start: '08:00', end: '09:00' }], createdAt: at });
    draft.alerts = [...(draft.alerts ?? []), { id: 'al-1', title: '紧急提醒', playlistId: 'pl-audio', target: { kind: 'all' }, priority: 0, startsAt: '2026-01-10T00:30:00Z', expiresAt: '2026-01-10T00:45:00Z', createdAt: at }];
  });
  // Online 08:00–09:00 Shanghai (00:00–01:00Z) with the browser refusing sound; no plays at all.
  const start = Date.parse('2026-01-10T00:00:00Z');
  app.crier.airingLog.recordHeartbeat('scr-village', { type: 'heartbeat', sentAt: new Date(start).toISOString(), airing: null, manifestVersion: 'v1', uptimeMs: 1, playerVersion: '0.3', soundBlocked: true } as never, new Date(start));
  for (let ms = start + 30_000; ms <= start + 3_600_000; ms += 30_000) app.crier.airingLog.recordHeartbeat('scr-village', { type: 'heartbeat', sentAt: new Date(ms).toISOString(), airing: null, manifestVersion: 'v1', uptimeMs: 1 }, new Date(ms));
  const res = await app.inject({ url: '/api/v1/proof/as-run?screenId=scr-village&day=2026-01-10' });
  t.equal(res.statusCode, 200, res.body);
  const missed = JSON.parse(res.body).missed as { start: string; reason: string; rule: { zh: string }; reasonWords: { zh: string } }[];
  const morning = missed.filter((m) => m.start >= '2026-01-10T00:00:00.000Z' && m.start < '2026-01-10T01:00:00.000Z');
  t.ok(morning.some((m) => m.reason === 'sound-blocked' && /排播「早间循环」/.test(m.rule.zh)), 'the morning loop did not air: sound blocked');
  t.ok(morning.some((m) => m.reason === 'outranked' && /排播「早间循环」/.test(m.rule.zh) && /紧急插播「紧急提醒」/.test(m.reasonWords.zh)), 'and the alert outranked it for a quarter hour');
});
