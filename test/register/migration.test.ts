// Free-text places of an older catalogue move into the register at start: one township per spelling,
// screens get their siteId, rules aimed at the old spellings follow, the audit trail says so; once.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { UNASSIGNED_VILLAGE, UNNAMED_SITE } from '../../playlists/register.migrate.js';
import { buildTestApp } from '../helper.js';

const at = '2026-01-01T00:00:00.000Z';

t.test('two spellings of one township become one; nothing is lost; a second start changes nothing', async (t) => {
  const dataDir = t.testdir();
  const first = await buildTestApp(t, { dataDir });
  // As a catalogue from before the register: places typed by hand, one of them with a stray space.
  await first.crier.catalogue.update((draft) => {
    draft.screens.push(
      { id: 'scr-1', name: '商场大屏', isProvisional: false, township: '城关镇', site: '万达广场', siteType: 'mall', groups: [], createdAt: at },
      { id: 'scr-2', name: '商场二楼', isProvisional: false, township: '城关 镇', site: '万达广场', siteType: 'mall', groups: [], createdAt: at },
      { id: 'scr-3', name: '码头', isProvisional: false, township: '城关镇', site: '老码头', siteType: '码头', groups: [], createdAt: at },
      { id: 'scr-4', name: '养殖场', isProvisional: false, township: '河口乡', site: '养殖场', siteType: 'farm', groups: [], createdAt: at },
      { id: 'scr-5', name: '乡政府', isProvisional: false, township: '河口乡', groups: [], createdAt: at },
      { id: 'scr-6', name: '无乡镇', isProvisional: false, site: '某处', groups: [], createdAt: at },
      { id: 'scr-7', name: '只有名字', isProvisional: false, groups: [], createdAt: at },
    );
  });
  const playlistId = first.crier.catalogue.read().defaultPlaylistId!;
  for (const target of [{ kind: 'townships', townships: ['城关 镇'] }, { kind: 'siteTypes', siteTypes: ['mall'] }]) {
    const res = await first.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId, target, priority: target.kind === 'townships' ? 1 : 2 } });
    t.equal(res.statusCode, 201, res.body);
  }
  await first.crier.catalogue.update((draft) => void (draft.siteTypeSound = { mall: 'on' }));
  await first.close();

  const app = await buildTestApp(t, { dataDir });
  const c = app.crier.catalogue.read();
  t.same(c.townships.map((x) => x.name), ['城关镇', '河口乡'], 'one 城关镇, not two');
  t.same(c.villages.map((v) => v.name), [UNASSIGNED_VILLAGE, UNASSIGNED_VILLAGE], 'free text named no village: one placeholder per township');
  t.same(c.sites.map((s) => [s.name, s.type]), [['万达广场', '商场'], ['老码头', '码头'], ['养殖场', '其他'], [UNNAMED_SITE, '其他']]);
  t.match(c.sites[2], { note: /farm/ }, 'an unknown site type is kept in the note');
  const screen = (id: string) => c.screens.find((s) => s.id === id)!;
  t.equal(screen('scr-1').siteId, screen('scr-2').siteId, 'both spellings share one site');
  t.match(screen('scr-2'), { township: '城关镇', site: '万达广场', siteType: '商场' }, 'strings now come from the register');
  t.ok(screen('scr-5').siteId, 'a screen with a township only gets a placeholder site');
  t.match(screen('scr-6'), { site: '某处' }, 'without a township: left as it was');
  t.notOk(screen('scr-6').siteId);
  t.notOk(screen('scr-7').siteId);
  t.same(c.siteTypeSound, { 商场: 'on' }, 'sound per site type follows');
  t.same(c.schedules.map((s) => s.target), [{ kind: 'townships', townships: ['城关镇'] }, { kind: 'siteTypes', siteTypes: ['商场'] }], 'rules follow the new spellings');

  const audit = JSON.parse((await app.inject('/api/v1/audit?entity=township')).body) as { entries: { action: string; summary: string; actor: unknown }[] };
  t.match(audit.entries, [{ action: 'create', actor: null }, { action: 'create', actor: null }], 'the migration is in the audit trail, by the system');
  await app.close();

  const stored = await readFile(path.join(dataDir, 'catalogue.json'), 'utf8');
  const again = await buildTestApp(t, { dataDir });
  t.equal(await readFile(path.join(dataDir, 'catalogue.json'), 'utf8'), stored, 'a second start changes nothing');
  t.equal(again.crier.catalogue.read().townships.length, 2);
});
