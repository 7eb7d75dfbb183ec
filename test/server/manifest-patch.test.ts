// Manifest patch frames (capability `manifest-patch`, docs/protocol.md): a player that confirmed the frame it
// holds gets what changed, computed once for all players holding the same frame; players without the
// capability, or that have not confirmed, get the whole manifest as before; `manifest-wanted` gets it whole.
import type { Test } from 'tap';
import t from 'tap';
import { CAPABILITY_COMPACT_MANIFEST, CAPABILITY_MANIFEST_PATCH, CAPABILITY_SHARED_MANIFEST } from '../../player/protocol.js';
import { applyManifestPatch, ManifestPatchSchema, type Json } from '../../playlists/manifest-patch.js';
import { WireManifestSchema } from '../../playlists/manifest.schema.js';
import type { CrierApp } from '../../server/app.js';
import { connectPlayer, helloMessage, startTestServer } from '../helper.js';
import { placeSite } from '../register.fixtures.js';

const COMPACT = ['text', 'image', 'video', 'audio', CAPABILITY_SHARED_MANIFEST, CAPABILITY_COMPACT_MANIFEST];
const PATCHING = [...COMPACT, CAPABILITY_MANIFEST_PATCH];

interface Received {
  type: 'manifest' | 'manifest-patch';
  text: string;
  /** The compact manifest held after this frame. */
  held: Json;
}

/** A claimed player that applies patches as the browser player does, and confirms each frame unless told not to. */
async function claimedPlayer(t: Test, app: CrierApp, wsUrl: string, capabilities: string[], options: { isConfirming: boolean } = { isConfirming: true }) {
  const player = await connectPlayer(t, wsUrl);
  const frames: Received[] = [];
  let held: Json = null;
  player.socket.on('message', (data) => {
    const text = data.toString();
    const frame = JSON.parse(text) as { type: string; manifest?: Json; base?: string; patch?: unknown };
    if (frame.type === 'manifest') held = frame.manifest!;
    else if (frame.type === 'manifest-patch') {
      if ((held as { version?: string } | null)?.version !== frame.base) throw new Error(`patch for ${frame.base}, holding another`);
      held = applyManifestPatch(held, ManifestPatchSchema.parse(frame.patch));
    } else return;
    if (!WireManifestSchema.safeParse(held).success) throw new Error('the patched manifest is not valid');
    frames.push({ type: frame.type, text, held });
    if (options.isConfirming) player.send({ type: 'manifest-applied', version: (held as { version: string }).version });
  });
  player.send(helloMessage({ capabilities }));
  const welcome = await player.next('welcome');
  const siteId = await placeSite(app, '城关镇');
  const res = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: welcome.pairingCode, name: `屏 ${welcome.screenId}`, siteId } });
  if (res.statusCode !== 200) throw new Error(`claim failed: ${res.statusCode} ${res.body}`);
  const paired = await player.next('paired');
  player.send({ type: 'paired-ack', screenId: paired.screenId });
  const session = () => app.crier.presence.sessionsOf(paired.screenId)[0]!;
  return { player, screenId: paired.screenId, frames, session };
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};
const alertAll = async (app: CrierApp) => {
  const res = await app.inject({ method: 'POST', url: '/api/v1/alerts', payload: { title: '测试插播', playlistId: app.crier.catalogue.read().defaultPlaylistId, target: { kind: 'all' }, priority: 50 } });
  if (res.statusCode !== 201) throw new Error(`alert failed: ${res.statusCode}`);
  return (res.json() as { id: string }).id;
};
/** The manifest's airing segment is the alert's (after a clear the timeline keeps its past airing). */
const airsAlert = (r: Received) => (r.held as { reason: string }).reason.startsWith('alert:');

t.test('an alert for all and its clear go as small patches, the same bytes for every player holding the same frame', async (t) => {
  const { app, wsUrl } = await startTestServer(t, {}, { logger: false });
  const patching = [await claimedPlayer(t, app, wsUrl, PATCHING), await claimedPlayer(t, app, wsUrl, PATCHING)];
  const compact = await claimedPlayer(t, app, wsUrl, COMPACT);
  const fleet = [...patching, compact];
  // Each patching player's confirmation of its latest frame has reached the server.
  await until(() => fleet.every((p) => p.frames.length > 0) && patching.every((p) => p.session().patchBase?.version === (p.frames.at(-1)!.held as { version: string }).version));
  // Claimed one after the other, they may hold frames built at different instants: a diff for each.
  const heldBefore = new Set(patching.map((p) => JSON.stringify(p.frames.at(-1)!.held))).size;
  let patchedBefore = app.crier.publisher.stats.patched;

  const alertId = await alertAll(app);
  await until(() => fleet.every((p) => p.frames.some(airsAlert)));
  const onAlert = fleet.map((p) => p.frames.find(airsAlert)!);
  t.same(onAlert.map((r) => r.type), ['manifest-patch', 'manifest-patch', 'manifest'], 'patches to the patching players, the whole manifest to the other');
  t.equal(onAlert[0]!.text, onAlert[1]!.text, 'the same patch bytes for both');
  t.equal(app.crier.publisher.stats.patched - patchedBefore, heldBefore, 'one diff per frame held');
  const full = onAlert[2]!.text;
  t.ok(onAlert[0]!.text.length * 4 < full.length, `patch ${onAlert[0]!.text.length} bytes against the manifest's ${full.length}`);
  t.equal(JSON.stringify(onAlert[0]!.held), JSON.stringify((JSON.parse(full) as { manifest: Json }).manifest), 'patched, byte for byte the manifest the other player got');

  await until(() => patching.every((p) => p.session().patchBase?.version === (p.frames.at(-1)!.held as { version: string }).version));
  t.equal(new Set(patching.map((p) => JSON.stringify(p.frames.at(-1)!.held))).size, 1, 'after the same pass both hold the same frame');
  patchedBefore = app.crier.publisher.stats.patched;
  const cleared = (r: Received) => r !== undefined && !airsAlert(r);
  const res = await app.inject({ method: 'POST', url: `/api/v1/alerts/${alertId}/clear` });
  t.ok(res.statusCode < 300, `alert cleared (${res.statusCode})`);
  await until(() => fleet.every((p) => cleared(p.frames.at(-1)!) && p.frames.indexOf(p.frames.find(airsAlert)!) < p.frames.length - 1));
  const onClear = fleet.map((p) => p.frames.at(-1)!);
  t.same(onClear.map((r) => r.type), ['manifest-patch', 'manifest-patch', 'manifest'], 'the clear is a patch too');
  t.equal(onClear[0]!.text, onClear[1]!.text, 'the same bytes for both');
  t.equal(app.crier.publisher.stats.patched - patchedBefore, 1, 'one diff for the pair (held frame, new frame)');
  t.ok(onClear[0]!.text.length * 4 < onClear[2]!.text.length, `clear: patch ${onClear[0]!.text.length} bytes against the manifest's ${onClear[2]!.text.length}`);
  t.equal(JSON.stringify(onClear[0]!.held), JSON.stringify((JSON.parse(onClear[2]!.text) as { manifest: Json }).manifest), 'byte for byte after the clear');
});

t.test('a player that has not confirmed its frame gets the whole manifest; manifest-wanted gets it whole', async (t) => {
  const { app, wsUrl } = await startTestServer(t, {}, { logger: false });
  const silent = await claimedPlayer(t, app, wsUrl, PATCHING, { isConfirming: false });
  await until(() => silent.frames.length > 0);
  await alertAll(app);
  await until(() => silent.frames.some(airsAlert));
  t.equal(silent.frames.find(airsAlert)!.type, 'manifest', 'no confirmation: no patch');

  const asking = await claimedPlayer(t, app, wsUrl, PATCHING);
  await until(() => asking.frames.length > 0 && asking.session().patchBase != null);
  const count = asking.frames.length;
  asking.player.send({ type: 'manifest-wanted', version: 'not-what-you-sent' });
  await until(() => asking.frames.length > count);
  t.equal(asking.frames.at(-1)!.type, 'manifest', 'asked for: the whole manifest');
});
