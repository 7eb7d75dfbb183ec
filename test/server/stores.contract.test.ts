// The contract of the row stores (accounts and sessions, audit, pairing tokens, police figures and
// weekly reports), run on the embedded files and on PostgreSQL alike (test/stores.ts). What one
// implementation answers, the other must too; what is stored must survive a reopen.
import t from 'tap';
import { UsernameTakenError, type StoredUser } from '../../server/storage/accounts.store.js';
import { forEachStore } from '../stores.js';

const user = (id: string, username: string, over: Partial<StoredUser> = {}): StoredUser => ({
  id,
  username,
  displayName: `用户 ${username}`,
  role: 'editor',
  township: null,
  mustChangePassword: false,
  disabled: false,
  passwordHash: 'scrypt$15$salt$key',
  createdAt: `2026-11-30T08:00:0${id.slice(-1)}.000Z`,
  updatedAt: '2026-11-30T08:00:00.000Z',
  ...over,
});

forEachStore(t, 'accounts: one rule for the same name in both stores (NFKC, then lower case, computed in the app)', async (t, backend) => {
  const { accounts } = await backend.open();
  await accounts.insertUser(user('u1', 'Émile'));
  await accounts.insertUser(user('u2', 'ＳＴＡＦＦ'));
  for (const [id, name] of [['u3', 'émile'], ['u4', 'ÉMILE'], ['u5', 'staff'], ['u6', 'Staff']] as const) {
    const taken = await accounts.insertUser(user(id, name)).catch((error: unknown) => error);
    t.ok(taken instanceof UsernameTakenError, `${name}: taken`);
  }
  t.equal((await accounts.findUser('émile'))?.id, 'u1', 'a non-ASCII letter in another case finds the account');
  t.equal((await accounts.findUser('staff'))?.id, 'u2', 'half-width finds the full-width name');
  t.equal(await accounts.countUsers(), 2, 'no second account was made');
});

forEachStore(t, 'accounts: users are found case-insensitively, unique by name, updated and deleted', async (t, backend) => {
  const { accounts } = await backend.open();
  t.equal(await accounts.countUsers(), 0);
  await accounts.insertUser(user('u1', 'Li'));
  await accounts.insertUser(user('u2', 'wang', { township: '城关镇', role: 'township' as StoredUser['role'] }));
  const taken = await accounts.insertUser(user('u3', 'LI')).catch((error: unknown) => error);
  t.ok(taken instanceof UsernameTakenError, 'names differ only by case: taken');
  t.equal((await accounts.findUser('li'))?.id, 'u1');
  t.equal(await accounts.findUser('zhao'), undefined);
  await accounts.updateUser('u1', { displayName: '李', mustChangePassword: true, disabled: true });
  await accounts.updateUser('u1', {});
  const li = await accounts.getUser('u1');
  t.match(li, { displayName: '李', mustChangePassword: true, disabled: true, township: null });
  t.same((await accounts.listUsers()).map((u) => u.username), ['Li', 'wang'], 'in order of creation');
  const reopened = (await backend.open()).accounts;
  t.same(await reopened.getUser('u2'), await accounts.getUser('u2'), 'the same after a reopen');
  await accounts.deleteUser('u2');
  t.equal(await accounts.countUsers(), 1);
});

forEachStore(t, 'accounts: sessions are stored, touched, ended per user and expired', async (t, backend) => {
  const { accounts } = await backend.open();
  await accounts.insertUser(user('u1', 'li'));
  await accounts.insertUser(user('u2', 'wang'));
  const session = (idHash: string, userId: string, createdAt: number) => ({ idHash, userId, csrfSecret: `csrf-${idHash}`, createdAt, lastSeenAt: createdAt });
  await accounts.insertSession(session('s1', 'u1', 1_000));
  await accounts.insertSession(session('s2', 'u1', 2_000));
  await accounts.insertSession(session('s3', 'u2', 3_000));
  await accounts.touchSession('s1', 5_000);
  t.same(await accounts.getSession('s1'), { idHash: 's1', userId: 'u1', csrfSecret: 'csrf-s1', createdAt: 1_000, lastSeenAt: 5_000 });
  await accounts.deleteSessionsOf('u1', 's1');
  t.equal(await accounts.getSession('s2'), undefined, 'the user\'s other sessions end');
  t.ok(await accounts.getSession('s1'), 'the kept one stays');
  t.equal(await accounts.deleteExpiredSessions(4_000, 0), 1, 's3 idle since 3000');
  t.equal(await accounts.deleteExpiredSessions(0, 1_500), 1, 's1 begun before 1500');
  await accounts.insertSession(session('s4', 'u2', 6_000));
  await accounts.deleteUser('u2');
  t.equal(await accounts.getSession('s4'), undefined, 'a deleted user\'s sessions go with them');
  await accounts.insertSession(session('s5', 'u1', 7_000));
  await accounts.deleteSession('s5');
  t.equal(await accounts.getSession('s5'), undefined);
});

forEachStore(t, 'audit: entries are appended as a batch and queried newest first, by actor, entity and time', async (t, backend) => {
  const { audit } = await backend.open();
  const li = { id: 'u1', username: 'Li' };
  await audit.append([
    { at: '2026-11-30T08:00:00.000Z', actor: li, action: 'create', entity: 'playlist', entityId: 'pl-1', summary: '新建', before: null, after: { name: '反诈', items: [1, 2] } },
    { at: '2026-11-30T09:00:00.000Z', actor: null, action: 'update', entity: 'screen', entityId: 'scr-1', summary: '改名', before: { name: 'a' }, after: 'b' },
  ]);
  await audit.append([{ at: '2026-11-30T10:00:00.000Z', actor: { id: 'u2', username: 'wang' }, action: 'delete', entity: 'playlist', entityId: 'pl-1', summary: '删除', before: { name: '反诈' }, after: null }]);
  await audit.append([]);
  const all = await audit.query({ limit: 10 });
  t.same(all.map((e) => e.summary), ['删除', '改名', '新建'], 'newest first');
  t.match(all[2], { at: '2026-11-30T08:00:00.000Z', actor: li, action: 'create', entity: 'playlist', entityId: 'pl-1', before: null, after: { name: '反诈', items: [1, 2] } });
  t.same(all[1]!.after, 'b', 'a bare string survives');
  t.ok(typeof all[0]!.id === 'number' && all[0]!.id > all[1]!.id, 'ids grow');
  t.same((await audit.query({ actor: 'li', limit: 10 })).map((e) => e.summary), ['新建'], 'actor by username, any case');
  t.same((await audit.query({ actor: 'u2', limit: 10 })).map((e) => e.summary), ['删除'], 'actor by id');
  t.same((await audit.query({ entity: 'playlist', entityId: 'pl-1', limit: 10 })).map((e) => e.action), ['delete', 'create']);
  t.same((await audit.query({ action: 'update', limit: 10 })).length, 1);
  t.same((await audit.query({ from: new Date('2026-11-30T09:00:00Z'), to: new Date('2026-11-30T10:00:00Z'), limit: 10 })).map((e) => e.summary), ['改名'], 'from inclusive, to exclusive');
  t.equal((await audit.query({ limit: 1 })).length, 1);
  t.same(await (await backend.open()).audit.query({ limit: 10 }), all, 'the same after a reopen');
});

forEachStore(t, 'pairing tokens: issued, delivered, replaced, dropped; known again after a reopen', async (t, backend) => {
  const { tokens } = await backend.open();
  await tokens.issue('scr-1', 'hash-1', 'plain-1', new Date('2026-11-30T08:00:00Z'));
  t.equal(tokens.screenOf('hash-1'), 'scr-1');
  t.equal(tokens.hasToken('scr-1'), true);
  t.equal(tokens.pendingOf('scr-1'), 'plain-1');
  tokens.delivered('scr-1');
  t.equal(tokens.pendingOf('scr-1'), undefined, 'the plain copy is forgotten');
  await tokens.issue('scr-1', 'hash-2', 'plain-2', new Date('2026-11-30T09:00:00Z'));
  t.equal(tokens.screenOf('hash-1'), undefined, 'one token per screen: the old one opens nothing');
  t.equal(tokens.screenOf('hash-2'), 'scr-1');
  tokens.delivered('scr-1');
  await tokens.issue('scr-2', 'hash-3', 'plain-3', new Date('2026-11-30T09:00:00Z'));
  await tokens.drop('scr-2');
  t.equal(tokens.screenOf('hash-3'), undefined);
  t.equal(tokens.hasToken('scr-2'), false);
  const reopened = (await backend.open()).tokens;
  t.equal(reopened.screenOf('hash-2'), 'scr-1');
  t.equal(reopened.pendingOf('scr-1'), undefined, 'delivery was stored');
  t.equal(reopened.hasToken('scr-2'), false, 'the drop was stored');
});

forEachStore(t, 'pairing tokens: another node\'s claim and revocation are found by refresh', async (t, backend) => {
  const here = (await backend.open()).tokens;
  const there = (await backend.open()).tokens;
  await there.issue('scr-1', 'hash-1', 'plain-1', new Date('2026-11-30T08:00:00Z'));
  await here.refresh({ tokenHash: 'hash-1' });
  t.equal(here.screenOf('hash-1'), 'scr-1', 'a token issued elsewhere is found');
  await there.drop('scr-1');
  await here.refresh({ screenId: 'scr-1' });
  t.equal(here.hasToken('scr-1'), false, 'and a drop elsewhere is seen');
  await here.refresh({ tokenHash: 'no-such-hash' });
  t.equal(here.screenOf('no-such-hash'), undefined);
});

forEachStore(t, 'reports store: police figures upserted all at once, weekly reports indexed', async (t, backend) => {
  const { reports } = await backend.open();
  const at = new Date('2026-11-30T08:00:00Z');
  const figure = (townshipId: string, week: string, fraudType: '网贷' | '刷单', cases: number, lossYuan: number) => ({ townshipId, week, fraudType, cases, lossYuan, enteredBy: 'li' });
  t.equal(await reports.putFigures([figure('tw-b', '2026-W48', '刷单', 2, 1500.5), figure('tw-a', '2026-W48', '网贷', 1, 0.01), figure('tw-a', '2026-W47', '网贷', 3, 10)], at), 3);
  await reports.putFigures([figure('tw-a', '2026-W48', '网贷', 4, 99.99)], new Date('2026-11-30T09:00:00Z'));
  const w48 = await reports.figures('2026-W48', '2026-W48');
  t.same(w48.map((f) => `${f.townshipId} ${f.fraudType} ${f.cases} ${f.lossYuan}`), ['tw-a 网贷 4 99.99', 'tw-b 刷单 2 1500.5'], 'replaced, and in township order');
  t.equal(w48[0]!.enteredAt, '2026-11-30T09:00:00.000Z');
  t.equal((await reports.figures('2026-W01', '2026-W52')).length, 3);
  const bad = [figure('tw-c', '2026-W48', '刷单', 1, 1), { ...figure('tw-c', '2026-W49', '刷单', 1, 1), cases: null as unknown as number }];
  await t.rejects(reports.putFigures(bad, at), 'a row the store cannot take fails the import');
  t.equal((await reports.figures('2026-W48', '2026-W49')).filter((f) => f.townshipId === 'tw-c').length, 0, 'and none of it was stored');
  const entry = (week: string, by: string | null) => ({ week, generatedAt: '2026-11-30T08:00:00.000Z', generatedBy: by, files: { pdf: `${week}.pdf`, xlsx: `${week}.xlsx`, json: `${week}.json` } });
  await reports.putWeeklyReport(entry('2026-W47', null));
  await reports.putWeeklyReport(entry('2026-W48', 'li'));
  await reports.putWeeklyReport(entry('2026-W48', 'wang'));
  t.same((await reports.weeklyReports()).map((e) => `${e.week} ${e.generatedBy}`), ['2026-W48 wang', '2026-W47 null'], 'newest week first, regenerated in place');
  t.same(await reports.weeklyReport('2026-W47'), entry('2026-W47', null));
  t.equal(await reports.weeklyReport('2026-W01'), null);
  t.same(await (await backend.open()).reports.weeklyReports(), await reports.weeklyReports(), 'the same after a reopen');
});
