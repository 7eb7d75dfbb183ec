// A register change rewrites screens and rules in place (a rename: screens through the place sync, rules
// aimed at the old name retargeted). The conflict checks of a schedule change find rivals through indexes
// of the committed catalogue, so a register change commits alone: a change queued beside it (same actor,
// same moment) is checked against the catalogue the register change made.
import t from 'tap';
import { COUNTY_ADMIN } from '../../server/register/register.rules.js';
import { buildTestApp } from '../helper.js';
import { placeSite } from '../register.fixtures.js';

const at = '2026-01-01T00:00:00.000Z';

t.test('a township rename and a schedule entry queued together: the entry is checked against the renamed rules', async (t) => {
  const app = await buildTestApp(t);
  const { catalogue, register, schedules } = app.crier;
  const siteId = await placeSite(app, '城关镇', '汽车站', '车站');
  await catalogue.update((draft) => void draft.screens.push({ id: 'scr-bus', name: '汽车站大屏', isProvisional: false, siteId, groups: [], createdAt: at }));
  const playlistId = catalogue.read().defaultPlaylistId!;
  const windows = [{ start: '08:00', end: '10:00' }];
  const township = await schedules.create({ playlistId, target: { kind: 'townships', townships: ['城关镇'] }, priority: 3, windows });
  const townshipId = catalogue.read().townships[0]!.id;

  // A change in flight, so the rename and the entry wait together for the next commit.
  const first = catalogue.update(() => undefined);
  const [renamed, created] = await Promise.allSettled([
    register.updateTownship(COUNTY_ADMIN, townshipId, { name: '城关街道' }),
    schedules.create({ playlistId, target: { kind: 'screens', screenIds: ['scr-bus'] }, priority: 3, windows }),
  ]);
  await first;
  t.equal(renamed.status, 'fulfilled', 'the rename is stored');
  t.equal(created.status === 'rejected' && (created.reason as { reason?: string }).reason, 'schedule-conflict', 'the entry on the bus station\'s screen clashes with the township\'s, renamed');
  const after = catalogue.read();
  t.match(after.screens[0], { township: '城关街道' }, 'the screen follows the rename');
  t.same(after.schedules.map((s) => s.id), [township.id], 'only the township\'s entry is stored');
  t.match(after.schedules[0]!.target, { kind: 'townships', townships: ['城关街道'] });
});
