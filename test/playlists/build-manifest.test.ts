import t from 'tap';
import { buildManifest, DEFAULT_STILL_MS, mediaUrl } from '../../playlists/build-manifest.js';
import { emptyCatalogue, type Catalogue, type MediaItem } from '../../playlists/catalogue.schema.js';

const at = '2026-01-10T08:00:00+08:00';
const hex = (c: string) => c.repeat(64);
const slogan: MediaItem = { id: 'm-text', kind: 'text', title: '谨防刷单', hash: hex('a'), tags: ['刷单'], slogan: { headline: '刷单就是诈骗', theme: 'alert' }, createdAt: at };
const poster: MediaItem = {
  id: 'm-img', kind: 'image', title: '海报', hash: hex('b'), tags: [], createdAt: at,
  file: { fileName: 'p.png', mime: 'image/png', bytes: 10, width: 1920, height: 1080 },
};
const video: MediaItem = {
  id: 'm-vid', kind: 'video', title: '视频', hash: hex('c'), tags: [], createdAt: at,
  file: { fileName: 'v.mp4', mime: 'video/mp4', bytes: 10, durationMs: 9500 },
};

function catalogue(): Catalogue {
  return {
    ...emptyCatalogue(),
    defaultPlaylistId: 'pl-default',
    media: [slogan, poster, video],
    playlists: [
      { id: 'pl-default', name: '默认', description: '', createdAt: at, updatedAt: at, items: [{ id: 'i1', mediaId: 'm-text', durationMs: 8000 }, { id: 'i2', mediaId: 'm-img' }, { id: 'i3', mediaId: 'm-vid' }] },
      { id: 'pl-mall', name: '商场', description: '', createdAt: at, updatedAt: at, items: [{ id: 'j1', mediaId: 'm-img', durationMs: 5000 }] },
      { id: 'pl-urgent', name: '紧急', description: '', createdAt: at, updatedAt: at, items: [{ id: 'k1', mediaId: 'm-text', durationMs: 5000 }] },
    ],
  };
}
const now = new Date(at);

t.test('with no schedule every screen airs the default campaign', async (t) => {
  const m = buildManifest(catalogue(), { id: 'any' }, now)!;
  t.equal(m.playlistId, 'pl-default');
  t.equal(m.reason, 'default-campaign');
  t.same(m.items.map((i) => [i.id, i.type, i.durationMs]), [['i1', 'text', 8000], ['i2', 'image', DEFAULT_STILL_MS], ['i3', 'video', 9500]]);
  t.equal(m.items[1]!.url, mediaUrl(poster));
  t.equal(m.items[1]!.url, `/media/${hex('b')}.png`);
  t.equal(m.items[0]!.url, undefined, 'text has no file');
  t.same(m.items[0]!.slogan, slogan.slogan);
});

t.test('the highest-priority entry targeting the screen wins; others are untouched', async (t) => {
  const c = catalogue();
  c.schedules.push(
    { id: 's-all', playlistId: 'pl-mall', target: { kind: 'all' }, priority: 1, createdAt: at },
    { id: 's-one', playlistId: 'pl-urgent', target: { kind: 'screens', screenIds: ['scr-1'] }, priority: 5, createdAt: at },
  );
  t.equal(buildManifest(c, { id: 'scr-1' }, now)!.playlistId, 'pl-urgent');
  t.equal(buildManifest(c, { id: 'scr-2' }, now)!.playlistId, 'pl-mall');
  t.match(buildManifest(c, { id: 'scr-1' }, now)!.reason, /^schedule:s-one/);
  t.match(buildManifest(c, { id: 'scr-2' }, now)!.reason, /^schedule:s-all/);
});

t.test('ties on priority go to the newer entry regardless of storage order', async (t) => {
  const older = { id: 's-a', playlistId: 'pl-mall', target: { kind: 'all' as const }, priority: 3, createdAt: '2026-01-01T00:00:00.000Z' };
  const newer = { id: 's-b', playlistId: 'pl-urgent', target: { kind: 'all' as const }, priority: 3, createdAt: '2026-01-02T00:00:00.000Z' };
  const c1 = { ...catalogue(), schedules: [older, newer] };
  const c2 = { ...catalogue(), schedules: [newer, older] };
  t.match(buildManifest(c1, { id: 'x' }, now)!.reason, /^schedule:s-b/);
  t.match(buildManifest(c2, { id: 'x' }, now)!.reason, /^schedule:s-b/);
});

t.test('a schedule naming a missing playlist is ignored', async (t) => {
  const c = catalogue();
  c.schedules.push({ id: 's-x', playlistId: 'gone', target: { kind: 'all' }, priority: 9, createdAt: at });
  t.equal(buildManifest(c, { id: 'x' }, now)!.playlistId, 'pl-default');
});

t.test('versions depend on content only', async (t) => {
  const a = buildManifest(catalogue(), { id: 'scr-1' }, now)!;
  const b = buildManifest(catalogue(), { id: 'scr-1' }, new Date('2026-01-10T23:59:00+08:00'))!;
  t.equal(a.version, b.version, 'time of generation within the day does not change the version');
  const tomorrow = buildManifest(catalogue(), { id: 'scr-1' }, new Date('2026-01-11T00:00:00+08:00'))!;
  t.not(tomorrow.version, a.version, 'the 8-day window moves on at local midnight');
  const changed = catalogue();
  changed.playlists[0]!.items[0]!.durationMs = 9000;
  t.not(buildManifest(changed, { id: 'scr-1' }, now)!.version, a.version, 'a duration change does');
  const renamed = catalogue();
  renamed.media[1] = { ...poster, hash: hex('d') };
  t.not(buildManifest(renamed, { id: 'scr-1' }, now)!.version, a.version, 'new file content does');
});

t.test('nothing to air gives null, never an empty manifest', async (t) => {
  t.equal(buildManifest(emptyCatalogue(), { id: 'x' }, now), null);
  const c = catalogue();
  c.playlists[0]!.items = [{ id: 'i9', mediaId: 'missing', durationMs: 5000 }];
  t.equal(buildManifest(c, { id: 'x' }, now), null);
});
