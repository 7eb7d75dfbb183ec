// affectedScreens against a brute-force rebuild: for random catalogues and random changes (committed the
// way the store commits them, unchanged items kept as the same objects), every screen whose manifest
// version really changed is named; and changes that reach a few screens name only those.
import fc from 'fast-check';
import t from 'tap';
import { affectedScreens, unionAffected } from '../../playlists/affected-screens.js';
import { buildManifest } from '../../playlists/build-manifest.js';
import type { Catalogue, Screen } from '../../playlists/catalogue.schema.js';
import type { Target } from '../../playlists/schedule.schema.js';
import { manifestKey } from '../../playlists/timeline-manifest.js';
import { settle } from '../../server/storage/catalogue.delta.js';
import { draftOf, finished } from '../../server/storage/catalogue.draft.js';
import { at, audio, baseCatalogue, playlist, text } from '../fixtures/scheduling.js';
import { catalogueArb, catalogueFrom, GROUPS, iso, MEDIA, NOW, pick, PLAYLISTS, screenOf, SITE_TYPES, targetOf, TOWNSHIPS, ZONES } from '../fixtures/random-catalogue.js';

type Edit = (draft: Catalogue, n: number) => void;
const RULE_LISTS = ['schedules', 'broadcasts', 'alerts', 'quietHours', 'volumeSchedules'] as const;
const ruleList = (draft: Catalogue, n: number) => draft[pick(RULE_LISTS, n)] as { id: string; target: Target; playlistId?: string; priority?: number }[];
const EDITS: Record<string, Edit> = {
  'retarget a rule': (d, n) => {
    const rules = ruleList(d, n);
    if (rules.length) pick(rules, n >> 3).target = targetOf(n >> 5, d.screens.map((s) => s.id));
  },
  'repoint a rule': (d, n) => {
    const rules = ruleList(d, n).filter((r) => r.playlistId);
    if (rules.length) pick(rules, n >> 3).playlistId = pick(PLAYLISTS, n >> 5);
  },
  'reprioritise a rule': (d, n) => {
    const rules = ruleList(d, n).filter((r) => r.priority !== undefined);
    if (rules.length) pick(rules, n >> 3).priority = (n >> 5) & 7;
  },
  'remove a rule': (d, n) => {
    const rules = ruleList(d, n);
    if (rules.length) rules.splice(Math.abs(n >> 3) % rules.length, 1);
  },
  'add an alert': (d, n) => {
    d.alerts.push({ id: `al-new-${n}`, title: 'new', playlistId: pick(PLAYLISTS, n), target: targetOf(n >> 3, d.screens.map((s) => s.id)), priority: 1, startsAt: iso(-5), createdAt: iso(-5) });
  },
  'clear an alert': (d, n) => {
    if (d.alerts.length) pick(d.alerts, n).clearedAt = iso(-1);
  },
  'add a schedule': (d, n) => {
    d.schedules.push({ id: `sch-new-${n}`, playlistId: pick(PLAYLISTS, n), target: targetOf(n >> 3, d.screens.map((s) => s.id)), priority: 2, createdAt: iso(-5) });
  },
  'change a volume level': (d, n) => {
    if (d.volumeSchedules.length) pick(d.volumeSchedules, n).levels = [{ from: '10:00', to: '11:00', volume: n & 63 }];
  },
  'expire media': (d, n) => {
    pick(d.media, n).validTo = iso(-1 - (n & 7));
  },
  'retitle media': (d, n) => {
    pick(d.media, n).title = `title ${n}`;
  },
  'media ready': (d, n) => {
    const m = d.media.find((x) => x.id === pick(MEDIA, n));
    if (m) m.status = n & 1 ? 'ready' : 'processing';
  },
  'edit a playlist': (d, n) => {
    const p = pick(d.playlists, n);
    p.items = n & 8 ? p.items.slice(1).concat(p.items.slice(0, 1)) : [...p.items, { id: `${p.id}-new`, mediaId: pick(MEDIA, n >> 4), durationMs: 5000 }];
  },
  'move a screen': (d, n) => {
    const s = pick(d.screens, n);
    s.township = pick(TOWNSHIPS, n >> 3);
    s.groups = n & 64 ? [pick(GROUPS, n >> 7)] : [];
    s.siteType = pick(SITE_TYPES, n >> 9);
  },
  'screen sound and mode': (d, n) => {
    const s = pick(d.screens, n);
    if (n & 8) s.sound = n & 16 ? 'on' : 'off';
    else s.mode = n & 16 ? 'audio' : 'screen';
  },
  'screen zone': (d, n) => {
    pick(d.screens, n).timeZone = pick(ZONES, n >> 3);
  },
  'add and remove screens': (d, n) => {
    const added = screenOf(100 + (n & 15), n >> 4);
    if (n & 8 && d.screens.length > 1) d.screens.splice(Math.abs(n >> 4) % d.screens.length, 1);
    // Two adds of one id in a batch would be refused by the store (seed 1984241092): the second adds nothing.
    else if (!d.screens.some((s) => s.id === added.id)) d.screens.push(added);
  },
  'site type sound': (d, n) => {
    d.siteTypeSound = { ...d.siteTypeSound, [pick(SITE_TYPES, n)]: n & 8 ? 'on' : 'off' };
  },
  'default playlist': (d, n) => {
    d.defaultPlaylistId = n & 8 ? null : pick(PLAYLISTS, n >> 4);
  },
  'register only': (d, n) => {
    d.seededDefaults = [...d.seededDefaults, `x-${n}`];
  },
};
const editArb = fc.tuple(fc.constantFrom(...Object.keys(EDITS)), fc.integer({ min: 0, max: 1 << 16 }));

/** What the store does (catalogue.commits.ts): a copy-on-write draft, then what did not change stays the same objects. */
function commitWith(before: Catalogue, change: (draft: Catalogue) => void): Catalogue {
  const draft = draftOf(before);
  change(draft);
  return settle(before, finished(draft)).next;
}
const commit = (before: Catalogue, edits: [string, number][]) => commitWith(before, (draft) => edits.forEach(([name, n]) => EDITS[name]!(draft, n)));

/** The brute force: every screen's manifest built from both catalogues, for each mode a player can say. */
function reallyChanged(before: Catalogue, after: Catalogue): Set<string> {
  const ids = new Set([...before.screens, ...after.screens].map((s) => s.id));
  const changed = new Set<string>();
  const version = (c: Catalogue, id: string, mode?: 'screen' | 'audio') => buildManifest(c, { id, display: { width: 1920, height: 1080 }, ...(mode ? { mode } : {}) }, NOW, { timeZone: 'Asia/Shanghai', useCache: false })?.version ?? null;
  for (const id of ids) {
    for (const mode of [undefined, 'screen', 'audio'] as const) if (version(before, id, mode) !== version(after, id, mode)) changed.add(id);
  }
  return changed;
}

t.test('every screen whose manifest really changed is named (brute-force rebuild)', async (t) => {
  let named = 0;
  let all = 0;
  let changedTotal = 0;
  fc.assert(
    fc.property(catalogueArb, fc.array(editArb, { minLength: 1, maxLength: 3 }), (before, edits) => {
      const after = commit(before, edits);
      const affected = affectedScreens(before, after);
      const changed = reallyChanged(before, after);
      changedTotal += changed.size;
      if (affected === 'all') {
        all++;
        return true;
      }
      named++;
      return [...changed].every((id) => affected.has(id));
    }),
    { numRuns: 400 },
  );
  t.ok(named > 100, `most changes name screens rather than all (${named} named, ${all} all)`);
  t.ok(changedTotal > 100, `the changes changed manifests (${changedTotal} screen changes)`);
});

t.test("manifest keys shared by equal screens are each screen's own key", async (t) => {
  fc.assert(
    fc.property(catalogueArb, fc.array(editArb, { maxLength: 2 }), (before, edits) => {
      const c = commit(before, edits);
      for (const s of [...c.screens, { id: 'scr-unknown' }]) {
        for (const mode of [undefined, 'screen', 'audio'] as const) {
          const screen = { id: s.id, display: { width: 1920, height: 1080 }, ...(mode ? { mode } : {}) };
          const options = { timeZone: 'Asia/Shanghai' };
          if (manifestKey(c, screen, NOW, options) !== manifestKey(c, screen, NOW, { ...options, useCache: false })) return false;
        }
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass('300 random catalogues');
});

t.test('a change reaching a few screens names only those', async (t) => {
  const before = catalogueFrom({ screens: [0, 1, 2, 3, 4, 5], schedules: [], broadcasts: [], alerts: [], quiet: [], volumes: [], hasDefault: true });
  const township = before.screens[0]!.township!;
  const inTownship = before.screens.filter((s) => s.township === township).map((s) => s.id);
  t.ok(inTownship.length < before.screens.length, 'the township holds only some screens');

  const alert = commit(before, [['add an alert', 0]]); // target number 0: all
  t.equal(affectedScreens(before, alert), 'all', 'an alert for all: all');

  const township1 = commitWith(before, (d) => void d.alerts.push({ id: 'al-t', title: 't', playlistId: 'pl-a', target: { kind: 'townships', townships: [township] }, priority: 1, startsAt: iso(-1), createdAt: iso(-1) }));
  t.same([...(affectedScreens(before, township1) as Set<string>)].sort(), inTownship.sort(), 'an alert for one township: its screens only');

  const one = commit(before, [['screen zone', 2]]);
  t.same([...(affectedScreens(before, one) as Set<string>)], ['scr-2'], 'one screen edited: that screen');

  const unaired = commitWith(before, (d) => void d.media.push(text('m-unused')));
  t.same([...(affectedScreens(before, unaired) as Set<string>)], [], 'new media in no playlist: no screen');

  const register = commit(before, [['register only', 1]]);
  t.same([...(affectedScreens(before, register) as Set<string>)], [], 'a field no manifest reads: no screen');
  t.same([...(affectedScreens(before, before) as Set<string>)], [], 'the same catalogue: no screen');

  const unknown = { ...before, somethingNew: 1 } as unknown as Catalogue;
  t.equal(affectedScreens(before, unknown), 'all', 'a field it does not know: all, nothing assumed');

  const defaultEdit = commit(before, [['edit a playlist', 0]]);
  t.equal(affectedScreens(before, defaultEdit), 'all', 'the default campaign edited: all');
});

t.test('unionAffected joins answers', async (t) => {
  t.equal(unionAffected('all', new Set(['a'])), 'all');
  t.equal(unionAffected(new Set(['a']), 'all'), 'all');
  t.same([...(unionAffected(new Set(['a']), new Set(['b'])) as Set<string>)].sort(), ['a', 'b']);
});
