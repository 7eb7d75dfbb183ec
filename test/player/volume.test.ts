// The player's volume control on a real (shifted) clock: it follows the manifest's volume segments and
// switches at the boundary by itself, a command holds until the schedule next changes the volume, quiet
// hours win over the command; and the station status helpers read the next broadcast and quiet hours.
import t from 'tap';
import type { Manifest, ManifestItem, VolumeSegmentWire } from '../../playlists/manifest.schema.js';
import type { VolumeState } from '../../player/protocol.js';
import { nextBroadcast, quietState } from '../../player/station-status.js';
import { createVolumeControl, nextVolumeChange, volumeSpansOf } from '../../player/volume.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (ms: number) => new Date(ms).toISOString();
const vol = (from: number, to: number, volume: number, kind: VolumeSegmentWire['source']['kind'] = 'level'): VolumeSegmentWire => ({ start: iso(from), end: iso(to), volume, source: { kind, id: kind === 'none' ? null : 'x' }, reason: kind });

function manifest(volumes: VolumeSegmentWire[] | undefined): Manifest {
  return {
    version: 'v', screenId: 's', playlistId: 'p', playlistName: 'p', reason: 'r', generatedAt: iso(Date.now()), items: [],
    timeline: { timeZone: 'Asia/Shanghai', from: volumes?.[0]?.start ?? iso(0), to: volumes?.at(-1)?.end ?? iso(1), segments: [{ start: iso(0), end: iso(1), source: { kind: 'none', id: null, priority: 0 }, key: 'k', playlistId: null, playlistName: null, mode: 'loop', anchor: null, loop: 'L0', isQuiet: false, reason: 'r' }], loops: { L0: [] }, ...(volumes ? { volumes } : {}) },
  };
}

function control() {
  const applied: [number, VolumeState][] = [];
  const c = createVolumeControl({ now: () => new Date(), apply: (v, s) => applied.push([v, s]) });
  return { c, applied };
}

t.test('without volume segments (an older server): full volume', async (t) => {
  const { c, applied } = control();
  c.setManifest(manifest(undefined));
  t.same(applied.map(([v, s]) => [v, s.source, s.until]), [[100, 'schedule', null]]);
  c.stop();
});

t.test('follows the segments and switches at the boundary by itself', async (t) => {
  const now = Date.now();
  const { c, applied } = control();
  c.setManifest(manifest([vol(now - 60_000, now + 300, 30), vol(now + 300, now + 700, 70), vol(now + 700, now + 60_000, 70, 'default'), vol(now + 60_000, now + 120_000, 10)]));
  t.equal(c.state.volume, 30);
  t.equal(c.state.until, iso(now + 300), 'until the next change');
  await sleep(450);
  t.equal(c.state.volume, 70, 'switched at the boundary');
  t.equal(Date.parse(c.state.until!), now + 60_000, 'equal volumes in a row are one stretch (their sources differ, the level does not)');
  t.same(applied.map(([v]) => v), [30, 70]);
  c.stop();
});

t.test('a command holds until the schedule next changes the volume; quiet hours win over it', async (t) => {
  const now = Date.now();
  const { c } = control();
  c.setManifest(manifest([vol(now - 60_000, now + 400, 30), vol(now + 400, now + 800, 0, 'quiet'), vol(now + 800, now + 60_000, 30)]));
  c.command(90);
  t.match(c.state, { volume: 90, source: 'command', until: iso(now + 400) });
  await sleep(550);
  t.match(c.state, { volume: 0, source: 'quiet', until: iso(now + 800) }, 'quiet hours: silent, the command is over');
  c.command(80);
  t.match(c.state, { volume: 0, source: 'quiet' }, 'a command during quiet hours does not unmute');
  await sleep(400);
  t.match(c.state, { volume: 30, source: 'schedule' }, 'after quiet hours: the schedule');
  c.stop();
});

t.test('nextVolumeChange skips spans of equal volume', async (t) => {
  const spans = volumeSpansOf(manifest([vol(0, 10, 5), vol(10, 20, 5, 'default'), vol(20, 30, 6)]));
  t.equal(nextVolumeChange(spans, 3), 20);
  t.equal(nextVolumeChange(spans, 25), Infinity, 'the last span goes on');
  t.equal(spans[0]!.start, -Infinity, 'the first span reaches back');
});

t.test('station status: the next fixed-time broadcast with audio, and quiet hours', async (t) => {
  const audio: ManifestItem = { id: 'a', mediaId: 'm', type: 'audio', title: 'a', hash: 'c'.repeat(64), url: '/media/a.mp3', durationMs: 5000 };
  const text: ManifestItem = { id: 't', mediaId: 'n', type: 'text', title: 't', hash: 'c'.repeat(64), durationMs: 5000, slogan: { headline: 't', theme: 'alert' } };
  const h = (n: number) => Date.parse('2026-01-12T00:00:00Z') + n * 3_600_000;
  const seg = (from: number, to: number, kind: 'broadcast' | 'default', loop: string, name: string, isQuiet = false) => ({
    start: iso(from), end: iso(to), source: { kind, id: name, priority: 0 }, key: `${kind}:${name}`, playlistId: name, playlistName: name,
    mode: kind === 'broadcast' ? ('once' as const) : ('loop' as const), anchor: kind === 'broadcast' ? iso(from) : null, loop, isQuiet, reason: name,
  });
  const m = manifest(undefined);
  m.timeline!.loops = { A: [audio], T: [text] };
  m.timeline!.segments = [seg(h(0), h(1), 'default', 'A', 'loop', true), seg(h(1), h(2), 'broadcast', 'T', 'slides-only'), seg(h(2), h(3), 'default', 'A', 'loop'), seg(h(3), h(4), 'broadcast', 'A', '午间广播'), seg(h(4), h(9), 'default', 'A', 'loop', true)];
  const isAudio = (i: ManifestItem) => i.type === 'audio';
  t.same(nextBroadcast(m, new Date(h(0.5)), isAudio), { at: new Date(h(3)), name: '午间广播' }, 'a broadcast with nothing to hear is skipped');
  t.equal(nextBroadcast(m, new Date(h(3)), isAudio), null, 'the one on air now is not "next"');
  t.same(quietState(m, new Date(h(0.5))), { isQuiet: true, change: new Date(h(1)) });
  t.same(quietState(m, new Date(h(2.5))), { isQuiet: false, change: new Date(h(4)) });
  t.same(quietState(m, new Date(h(5))), { isQuiet: true, change: null });
});
