// A commit checks only what its change could break (server/storage/catalogue.integrity.ts), so a claim at
// 10,000 screens looks at one screen. This holds it to the whole-catalogue checks the start runs: for
// single edits that each break one rule (a duplicate id, a dangling reference, a screen at a site that
// is gone) and for random mixes of them, the commit is refused exactly when the whole check refuses
// its result, and the refusal names the same id.
import { current, isDraft } from 'immer';
import t, { type Test } from 'tap';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { registerProblems } from '../../playlists/register.check.js';
import { settle } from '../../server/storage/catalogue.delta.js';
import { draftOf, finished } from '../../server/storage/catalogue.draft.js';
import { catalogueDefects } from '../../server/storage/catalogue.integrity.js';
import { buildTestApp } from '../helper.js';
import { placeSite } from '../register.fixtures.js';

type Edit = [label: string, change: (draft: Catalogue) => void];
const NOW = '2026-11-30T08:00:00.000Z';
/** A deep copy of an item of a draft: current() of an untouched draft is the committed object itself, and a shallow copy would share
 * its lists, so a later edit of the copy in the same mix would write into the committed catalogue (seed 930780 did). */
const copy = <T extends object>(item: T): T => structuredClone(isDraft(item) ? (current(item as never) as T) : item);

/** One of each kind of break, and harmless edits beside them; each edit applies to any catalogue (it does nothing where it cannot). */
const EDITS: Edit[] = [
  ['a screen appended with an id already taken', (d) => void (d.screens.length && d.screens.push({ ...copy(d.screens[0]!), name: '重复' }))],
  ['two new screens with one id', (d) => void d.screens.push({ id: 'twin', name: '甲', isProvisional: true, groups: [], createdAt: NOW }, { id: 'twin', name: '乙', isProvisional: true, groups: [], createdAt: NOW })],
  ['a screen moved to a site not in the register', (d) => void (d.screens.length && (d.screens[d.screens.length - 1]!.siteId = 'site-gone'))],
  ['a site removed while screens stand there', (d) => void d.sites.splice(0, 1)],
  ['a playlist naming missing media', (d) => void (d.playlists[0]?.items[0] && (d.playlists[0].items[0].mediaId = 'media-gone'))],
  ['media removed while a playlist airs it', (d) => {
    const used = d.playlists[0]?.items[0]?.mediaId;
    const at = d.media.findIndex((m) => m.id === used);
    if (at >= 0) d.media.splice(at, 1);
  }],
  ['media appended with an id already taken', (d) => void (d.media.length && d.media.push(copy(d.media[0]!)))],
  ['a playlist appended with an id already taken', (d) => void (d.playlists.length && d.playlists.push({ ...copy(d.playlists[0]!), name: '重复' }))],
  ['a schedule naming a missing playlist', (d) => void (d.schedules[0] && (d.schedules[0].playlistId = 'playlist-gone'))],
  ['the default playlist removed', (d) => {
    const at = d.playlists.findIndex((p) => p.id === d.defaultPlaylistId);
    if (at >= 0) d.playlists.splice(at, 1);
  }],
  ['the default set to a missing playlist', (d) => void (d.defaultPlaylistId = 'playlist-gone')],
  ['two sites of one name in a village', (d) => void (d.sites.length && d.sites.push({ ...copy(d.sites[0]!), id: 'site-twin' }))],
  ['a screen renamed (fine)', (d) => void (d.screens.length && (d.screens[0]!.name = '改名'))],
  ['a screen appended (fine)', (d) => void d.screens.push({ id: `new-${d.screens.length}`, name: '新屏', isProvisional: true, groups: [], createdAt: NOW })],
  ['the last screen removed (fine)', (d) => void d.screens.pop()],
  ['media nobody airs removed (fine)', (d) => {
    const used = new Set(d.playlists.flatMap((p) => p.items.map((i) => i.mediaId)));
    const at = d.media.findIndex((m) => !used.has(m.id));
    if (at >= 0) d.media.splice(at, 1);
  }],
];

/** What the start would say of this catalogue: every defect, the whole catalogue looked at. */
const wholeCheck = (c: Catalogue) => [...catalogueDefects(c), ...registerProblems(c).map((p) => p.message)];

function commitCheck(before: Catalogue, after: Catalogue): string | null {
  try {
    settle(before, after);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

async function catalogueWithEverything(t: Test) {
  const app = await buildTestApp(t);
  const siteId = await placeSite(app, '城关镇', '政府大厅', '机关');
  await placeSite(app, '城关镇', '车站', '车站');
  await app.crier.catalogue.update((draft) => {
    for (let i = 0; i < 20; i++) draft.screens.push({ id: `s-${i}`, name: `屏幕 ${i}`, isProvisional: false, groups: [], createdAt: NOW, siteId, claimedAt: NOW });
  });
  const playlistId = app.crier.catalogue.read().defaultPlaylistId;
  for (const target of [{ kind: 'all' }, { kind: 'townships', townships: ['城关镇'] }]) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId, target, priority: target.kind === 'all' ? 5 : 6 } });
    t.equal(res.statusCode, 201, res.body);
  }
  const c = app.crier.catalogue.read() as Catalogue;
  t.ok(c.media.length > 1 && c.playlists.length > 0 && c.schedules.length > 0 && c.defaultPlaylistId, 'the default campaign has media, playlists, schedules and a default');
  t.same(wholeCheck(c), [], 'it starts whole');
  return c;
}

t.test('each edit: refused by the commit exactly when the whole check refuses its result', async (t) => {
  const base = await catalogueWithEverything(t);
  for (const [label, change] of EDITS) {
    const draft = draftOf(base);
    change(draft);
    const after = finished(draft);
    const whole = wholeCheck(after);
    const refusal = commitCheck(base, after);
    t.equal(refusal !== null, whole.length > 0, `${label}: ${refusal ?? 'accepted'}`);
    // The same defects named (their Chinese halves: a register refusal comes as JSON, which escapes the English quotes).
    if (whole.length && refusal) t.ok(whole.every((w) => refusal.includes(w.split(' / ')[0]!)), `${label}: names what the whole check names`);
  }
});

t.test('random mixes of edits, one commit after another: the commit and the whole check agree every time', async (t) => {
  let base = await catalogueWithEverything(t);
  let seed = Number(process.env.CRIER_TEST_SEED ?? Date.now() % 1_000_000);
  t.comment(`seed ${seed} (CRIER_TEST_SEED=${seed} repeats it)`);
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let agreed = 0;
  for (let round = 0; round < 300; round++) {
    const picked = Array.from({ length: 1 + Math.floor(random() * 3) }, () => EDITS[Math.floor(random() * EDITS.length)]!);
    const draft = draftOf(base);
    for (const [, change] of picked) change(draft);
    const after = finished(draft);
    const isWhole = wholeCheck(after).length === 0;
    const refusal = commitCheck(base, after);
    if ((refusal === null) !== isWhole) {
      t.fail(`round ${round}, ${picked.map(([label]) => label).join(' + ')}: commit ${refusal ?? 'accepted'}, whole check ${isWhole ? 'fine' : wholeCheck(after).join('; ')}`);
      return;
    }
    agreed++;
    // Accepted mixes become the next base, so later rounds start from catalogues the commits made.
    if (refusal === null) base = settle(base, after).next;
  }
  t.equal(agreed, 300);
});
