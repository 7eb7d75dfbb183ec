// Screens' states as GD/J emergency-broadcast terminal status codes, in the screens API.
import t from 'tap';
import { terminalStatusOf } from '../../server/proof/terminal-status.js';
import { helloPlayer, startTestServer } from '../helper.js';

const now = Date.parse('2026-01-10T04:00:00Z');
const base = { isOnline: true, isAiring: true, hasFault: false, connectedAt: now - 3_600_000, wasSeenBefore: true, now };

t.test('each state maps to its code', async (t) => {
  t.match(terminalStatusOf({ ...base, isOnline: false }), { code: 2, zh: '停止', en: 'stopped' });
  t.match(terminalStatusOf({ ...base, hasFault: true }), { code: 3, zh: '故障' });
  t.match(terminalStatusOf({ ...base, connectedAt: now - 60_000 }), { code: 4, zh: '恢复' }, 'back a minute ago after an absence');
  t.match(terminalStatusOf(base), { code: 5, zh: '播发' });
  t.match(terminalStatusOf({ ...base, isAiring: false }), { code: 1, zh: '正常' });
  t.match(terminalStatusOf({ ...base, connectedAt: now - 60_000, wasSeenBefore: false }), { code: 5 }, 'a first connection is not a recovery');
});

t.test('the screens API carries the code', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  await app.crier.catalogue.update((draft) => {
    draft.screens.push({ id: 'scr-away', name: '河口村大喇叭', isProvisional: false, township: '河口乡', groups: [], createdAt: '2026-01-01T00:00:00.000Z' });
  });
  const { player, welcome } = await helloPlayer(t, wsUrl);
  player.send({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: { itemId: 'default-01', mediaId: 'media-slogan-loan-1', startedAt: new Date().toISOString() }, manifestVersion: null, uptimeMs: 10 });
  await player.next('heartbeat-ack');
  const screens = JSON.parse((await app.inject({ url: '/api/v1/screens' })).body) as { id: string; status: { terminalStatus: { code: number } } }[];
  t.equal(screens.find((s) => s.id === 'scr-away')?.status.terminalStatus.code, 2, 'offline: stopped');
  t.equal(screens.find((s) => s.id === welcome.screenId)?.status.terminalStatus.code, 5, 'online and airing: broadcasting');
});
