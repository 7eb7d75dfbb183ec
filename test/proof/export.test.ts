// A chain export carries the chain; `npm run verify` checks an export or a live store and names
// the first record changed, inserted or removed, in Chinese then English, exiting non-zero on a break.
// Each runs on both airing logs (the SQLite file, and PostgreSQL when CRIER_TEST_DATABASE_URL is set).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import { forEachAiringStore, onPostgres, type AiringBackend } from '../airing-stores.js';
import { openPgExportReader } from '../../server/storage/pg/airing.export.pg.js';
import { openPgPool } from '../../server/storage/pg/pool.js';
import { EXPORT_CONNECTIONS, openStores } from '../../server/storage/stores.js';
import { commandOf } from '../cli.js';
import { closeAll } from '../stores.js';
import { buildTestApp } from '../helper.js';

const verifyCli = commandOf('server/proof/verify.cli.ts');

const play = (id: string, iso: string): PlayRecord => ({
  id, itemId: 'i1', mediaId: 'm1', hash: 'a'.repeat(64), manifestVersion: 'v1', startedAt: iso,
  endedAt: new Date(Date.parse(iso) + 10_000).toISOString(), completed: true, outcome: 'completed', clockOffsetMs: -40,
});

/** The CLI's arguments that check this store's live airing log. */
const liveArgs = (store: AiringBackend) => (store.kind === 'embedded' ? ['--data-dir', store.dataDir] : ['--database-url', store.databaseUrl!]);

async function appWithPlays(t: Test, store: AiringBackend) {
  const app = await buildTestApp(t, { dataDir: store.dataDir, databaseUrl: store.databaseUrl });
  await app.crier.catalogue.update((draft) => {
    for (const id of ['scr-a', 'scr-b']) draft.screens.push({ id, name: id, isProvisional: false, township: '城关镇', groups: [], createdAt: '2026-01-01T00:00:00.000Z' });
  });
  // Shanghai days: the 9th (one play), the 10th (three), the 11th (one).
  await app.crier.airingLog.recordPlays('scr-a', false, [play('a1', '2026-01-09T03:00:00Z'), play('a2', '2026-01-10T03:00:00Z'), play('a3', '2026-01-10T04:00:00Z')]);
  await app.crier.airingLog.recordPlays('scr-a', false, [play('a4', '2026-01-10T05:00:00Z'), play('a5', '2026-01-11T03:00:00Z')]);
  await app.crier.airingLog.recordPlays('scr-b', false, [play('b1', '2026-01-10T03:00:00Z')]);
  return { app, db: await store.raw() };
}

forEachAiringStore(t, 'the live check over the API, then a record changed directly in the store is named', async (t, store) => {
  const { app, db } = await appWithPlays(t, store);
  const ok = await app.inject({ url: '/api/v1/proof/verify' });
  t.equal(ok.statusCode, 200, ok.body);
  t.match(JSON.parse(ok.body), { ok: true, checked: 6, message: { zh: /校验通过/, en: /Verified: 6 play records/ } });
  await db.run(`UPDATE plays SET media_id = 'm-other' WHERE id = 'a3'`);
  const bad = JSON.parse((await app.inject({ url: '/api/v1/proof/verify?screenId=scr-a' })).body);
  t.match(bad, { ok: false, firstBad: { screenId: 'scr-a', seq: 3, playId: 'a3', kind: 'changed' }, message: { zh: /屏幕 scr-a 的第 3 条记录（播放记录 a3）被修改/ } });
});

forEachAiringStore(t, 'an export of a day range carries the chain; a file edited, with a line inserted or removed, is caught', async (t, store) => {
  const { app, db } = await appWithPlays(t, store);
  const res = await app.inject({ url: '/api/v1/proof/export?from=2026-01-10&to=2026-01-10' });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.headers['content-disposition'], /attachment; filename="crier-plays-all-2026-01-10-2026-01-10\.jsonl"/);
  const lines = res.body.trim().split('\n');
  const header = JSON.parse(lines[0]!);
  t.match(header, { format: 'crier-play-chain', fromDay: '2026-01-10', toDay: '2026-01-10', screens: [{ screenId: 'scr-a', anchor: { seq: 1 }, head: { seq: 4 }, records: 3 }, { screenId: 'scr-b', anchor: { seq: 0 }, head: { seq: 1 } }] });
  t.same(lines.slice(1).map((l) => JSON.parse(l).id), ['a2', 'a3', 'a4', 'b1'], 'the 10th only, in chain order');

  const dir = await mkdtemp(path.join(os.tmpdir(), 'crier-export-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = (name: string) => path.join(dir, name);
  await writeFile(file('good.jsonl'), res.body);
  const good = await verifyCli(file('good.jsonl'));
  t.equal(good.code, 0);
  t.match(good.lines[0], /^校验通过：4 条/, 'Chinese first');
  t.match(good.lines[1], /^Verified: 4 play records/);

  const edited = lines.map((l) => (l.includes('"id":"a3"') ? l.replace('"completed":true', '"completed":false') : l));
  await writeFile(file('edited.jsonl'), `${edited.join('\n')}\n`);
  const e = await verifyCli(file('edited.jsonl'));
  t.equal(e.code, 1);
  t.match(e.lines[1], /screen scr-a, record 3 \(play a3\) was changed/);

  const forged = JSON.parse(lines[2]!);
  const inserted = [...lines.slice(0, 3), JSON.stringify({ ...forged, id: 'forged', seq: 4, prevHash: forged.recordHash }), ...lines.slice(3).map((l) => (l.includes('"screenId":"scr-a"') ? l.replace(/"seq":(\d+)/, (_m, n) => `"seq":${Number(n) + 1}`) : l))];
  await writeFile(file('inserted.jsonl'), `${inserted.join('\n')}\n`);
  const i = await verifyCli(file('inserted.jsonl'));
  t.equal(i.code, 1);
  t.match(i.lines[1], /record 4 \(play forged\) was inserted/);

  await writeFile(file('removed.jsonl'), `${lines.filter((l) => !l.includes('"id":"a3"')).join('\n')}\n`);
  const r = await verifyCli(file('removed.jsonl'));
  t.equal(r.code, 1);
  t.match(r.lines[0], /第 3 条记录（播放记录 a4）被删除/);

  await writeFile(file('last-removed.jsonl'), `${lines.filter((l) => !l.includes('"id":"a4"')).join('\n')}\n`);
  t.match((await verifyCli(file('last-removed.jsonl'))).lines[1], /record 4 was removed/, 'the last record of a screen, caught by the header head');

  const upload = await app.inject({ method: 'POST', url: '/api/v1/proof/verify-export', headers: { 'content-type': 'text/plain' }, payload: edited.join('\n') });
  t.equal(upload.statusCode, 200, upload.body);
  t.match(JSON.parse(upload.body), { ok: false, screens: 2, firstBad: { playId: 'a3', kind: 'changed' } });
  const junk = await app.inject({ method: 'POST', url: '/api/v1/proof/verify-export', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
  t.equal(junk.statusCode, 422);
  t.match(JSON.parse(junk.body).message, /^无法校验.* \/ Cannot verify/);

  t.equal((await verifyCli(...liveArgs(store))).code, 0, 'the live store read-only from the command line');
  await db.run(`DELETE FROM plays WHERE id = 'b1'`);
  const live = await verifyCli(...liveArgs(store));
  t.equal(live.code, 1);
  t.match(live.lines[1], /screen scr-b, record 1 was removed/);
  t.equal((await verifyCli()).code, 2, 'no argument: usage');
});

forEachAiringStore(t, 'a row changed, inserted or deleted with SQL: the route and the command line name the same first bad record', async (t, store) => {
  const { app, db } = await appWithPlays(t, store);
  const bothSay = async (expected: { seq: number; playId: string | null; kind: string }, words: RegExp) => {
    const route = JSON.parse((await app.inject({ url: '/api/v1/proof/verify' })).body);
    t.match(route, { ok: false, firstBad: { screenId: 'scr-a', ...expected } }, `the route: ${expected.kind}`);
    const cli = await verifyCli(...liveArgs(store));
    t.equal(cli.code, 1);
    t.match(cli.lines[1], words, `the command line: ${expected.kind}`);
    t.equal(cli.lines[1], route.message.en, 'word for word the route\'s verdict');
  };
  const [a2] = await db.all(`SELECT * FROM plays WHERE id = 'a2'`);
  // Inserted: later records moved up to make room, as someone hiding it would.
  await db.run(`UPDATE plays SET seq = seq + 1 WHERE screen_id = 'scr-a' AND seq >= 3`);
  await db.run(`INSERT INTO plays (${Object.keys(a2!).join(', ')}) VALUES (${Object.keys(a2!).map(() => '?').join(', ')})`,
    ...Object.values({ ...a2, id: 'forged', seq: 3, prev_hash: a2!.record_hash, outcome: 'cut' }));
  await bothSay({ seq: 3, playId: 'forged', kind: 'inserted' }, /record 3 \(play forged\) was inserted/);
  await db.run(`DELETE FROM plays WHERE id = 'forged'`);
  await db.run(`UPDATE plays SET seq = seq - 1 WHERE screen_id = 'scr-a' AND seq >= 4`);
  t.match(JSON.parse((await app.inject({ url: '/api/v1/proof/verify' })).body), { ok: true, checked: 6 }, 'put back: intact again');
  await db.run(`UPDATE plays SET ended_at = ended_at + 1000 WHERE id = 'a4'`);
  await bothSay({ seq: 4, playId: 'a4', kind: 'changed' }, /record 4 \(play a4\) was changed/);
  await db.run(`UPDATE plays SET ended_at = ended_at - 1000 WHERE id = 'a4'`);
  await db.run(`DELETE FROM plays WHERE id = 'a2'`);
  await bothSay({ seq: 2, playId: 'a3', kind: 'removed' }, /record 2 \(play a3\) was removed/);
});

forEachAiringStore(t, 'the same plays in the Outsmart Playout Reporting Standard CSV layout: no header, one row per play, the play id as reference', async (t, store) => {
  const { app } = await appWithPlays(t, store);
  const res = await app.inject({ url: '/api/v1/proof/export?from=2026-01-10&to=2026-01-10&screenId=scr-a&format=oprs' });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.headers['content-type'], /^text\/csv/);
  t.match(res.headers['content-disposition'], /crier-plays-scr-a-2026-01-10-2026-01-10\.csv/);
  t.ok(res.body.endsWith('\n') && !res.body.includes('\r'), 'LF line ends');
  const rows = res.body.trimEnd().split('\n').map((line) => line.split(','));
  t.equal(rows.length, 3);
  t.ok(rows.every((r) => r.length === 19), 'a fixed number of fields');
  t.same(rows[0], ['', 'scr-a', '2026-01-10T03:00:00.000', '+08:00', '2026-01-10T03:00:10.000', '+08:00', '10000', '', 'v1', 'i1', '', '', '', '', 'm1', 'm1', 'a'.repeat(64), 'completed', 'a2']);
  t.same(rows.map((r) => r[18]), ['a2', 'a3', 'a4']);
});

onPostgres(t, '`npm run verify -- --database-url` checks the live airing log on PostgreSQL', async (t, store) => {
  const { log } = await store.openAiring({ timeZone: 'Asia/Shanghai' });
  await log.recordPlays('scr-a', false, [play('a1', '2026-01-09T03:00:00Z'), play('a2', '2026-01-10T03:00:00Z')]);
  await log.recordPlays('scr-b', false, [play('b1', '2026-01-10T03:00:00Z')]);
  t.equal((await verifyCli('--database-url', store.databaseUrl!)).code, 0, 'intact');
  const db = await store.raw();
  await db.run(`DELETE FROM plays WHERE id = 'b1'`);
  const live = await verifyCli('--database-url', store.databaseUrl!);
  t.equal(live.code, 1);
  t.match(live.lines[1], /screen scr-b, record 1 was removed/);
  const unreachable = await verifyCli('--database-url', 'postgres://crier:crier@127.0.0.1:1/none');
  t.equal(unreachable.code, 2, 'a database it cannot reach: cannot check');
  t.match(unreachable.lines[1], /^cannot check the airing log in PostgreSQL/);
});

onPostgres(t, 'a PostgreSQL export reads through a cursor a page at a time, and a reader closed mid-way gives its connection back', async (t, store) => {
  const { log, close } = await store.openAiring({ timeZone: 'Asia/Shanghai' });
  await log.recordPlays('scr-a', false, [1, 2, 3, 4, 5].map((n) => play(`a${n}`, `2026-01-10T0${n}:00:00Z`)));
  await close();
  const pool = openPgPool(store.databaseUrl!, { max: 1 });
  t.teardown(() => pool.end());
  const query = { fromDay: '2026-01-10', toDay: '2026-01-10', timeZone: 'Asia/Shanghai', now: new Date('2026-01-11T00:00:00Z') };
  const reader = await openPgExportReader(pool, 2);
  const [segment] = await reader.segments(query);
  t.match(segment, { screenId: 'scr-a', fromSeq: 1, toSeq: 5, anchor: { seq: 0 }, head: { seq: 5 } });
  const ids: string[] = [];
  for await (const p of reader.records(segment!)) ids.push(p.id);
  t.same(ids, ['a1', 'a2', 'a3', 'a4', 'a5'], 'three pages of two, in chain order');
  const early = reader.records(segment!)[Symbol.asyncIterator]();
  t.equal((await early.next()).value?.id, 'a1');
  await reader.close();
  t.equal((await early.next()).value?.id, 'a2', 'the rest of the page already fetched');
  await t.rejects(early.next(), /closed/, 'nothing more is read from the database once closed');
  // The pool holds one connection: a second reader can only open if the first gave it back.
  const again = await openPgExportReader(pool, 2);
  t.equal((await again.segments(query)).length, 1);
  await again.close();
});

onPostgres(t, "an export in progress holds a connection of the exports' own pool, never one the play writes need", async (t, store) => {
  const stores = await openStores({ dataDir: store.dataDir, databaseUrl: store.databaseUrl });
  t.teardown(() => closeAll(stores));
  const { log, reports, openExport } = await stores.openAiring({ timeZone: 'Asia/Shanghai' });
  t.teardown(async () => (await log.close(), await reports.close()));
  await log.recordPlays('scr-a', false, [play('a1', '2026-01-10T03:00:00Z')]);
  const busy = () => stores.pool!.totalCount - stores.pool!.idleCount;
  const readers = await Promise.all(Array.from({ length: EXPORT_CONNECTIONS }, () => openExport()));
  t.equal(busy(), 0, 'the shared pool lends none of its connections to the exports');
  t.same(await log.recordPlays('scr-a', false, [play('a2', '2026-01-10T04:00:00Z')]), { inserted: 1 }, 'plays are still written while every export connection is held');
  for (const reader of readers) await reader.close();
});
