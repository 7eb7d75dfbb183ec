// What a player airs of a segment: stations only audio; screens everything, except an alert's spoken
// clip when the alert has something to show (the words stay full-screen).
import t from 'tap';
import { airsHere } from '../../player/airs-here.js';
import type { ManifestItem } from '../../playlists/manifest.schema.js';

const item = (type: ManifestItem['type']) => ({ id: type, mediaId: type, type, title: type, hash: '0'.repeat(64), durationMs: 1000 }) satisfies ManifestItem;
const [text, audio, video] = [item('text'), item('audio'), item('video')];

t.test('screens leave an alert’s speech to the loudspeakers, and only that', async (t) => {
  t.notOk(airsHere('screen', audio, { sourceKind: 'alert', items: [text, audio] }), 'alert with words: the screen skips its speech');
  t.ok(airsHere('screen', text, { sourceKind: 'alert', items: [text, audio] }));
  t.ok(airsHere('screen', audio, { sourceKind: 'alert', items: [audio] }), 'an audio-only alert still plays on screens');
  t.ok(airsHere('screen', audio, { sourceKind: 'schedule', items: [video, audio] }), 'outside alerts, audio airs on screens as before');
  t.ok(airsHere('screen', audio), 'without a segment: as before');
});

t.test('stations air audio only', async (t) => {
  t.ok(airsHere('audio', audio, { sourceKind: 'alert', items: [text, audio] }));
  t.notOk(airsHere('audio', text, { sourceKind: 'alert', items: [text, audio] }));
});
