// The seeded campaign's video and audio show a poster, a thumbnail and a waveform like uploads do:
// made by the generator (with the function uploads use), committed, copied in at seed time, and
// added once to a catalogue seeded before they existed. The files themselves keep airing as they are.
import path from 'node:path';
import sharp from 'sharp';
import t from 'tap';
import { mediaUrl, playbackFile } from '../../playlists/build-manifest.js';
import { buildTestApp } from '../helper.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;
const seededAv = (app: App) => app.crier.catalogue.read().media.filter((m) => (m.kind === 'video' || m.kind === 'audio') && !m.file?.storedAs);
const roles = (m: { renditions?: { role: string }[] | undefined }) => (m.renditions ?? []).map((r) => r.role).sort();

t.test('a fresh install’s seeded video and audio have their previews at once, and still air their own files', async (t) => {
  const app = await buildTestApp(t);
  const seeded = seededAv(app);
  t.same(seeded.map((m) => m.kind).sort(), ['audio', 'video'], 'the campaign seeds one video and one audio clip');
  const [video, audio] = ['video', 'audio'].map((k) => seeded.find((m) => m.kind === k)!);
  t.same(roles(video!), ['poster', 'thumbnail']);
  t.same(roles(audio!), ['waveform']);
  for (const r of [...video!.renditions!, ...audio!.renditions!]) {
    const meta = await sharp(path.join(app.crier.mediaStore.dir, r.fileName)).metadata();
    t.ok(meta.width === r.width && meta.height === r.height, `${r.role} is a real ${meta.width}×${meta.height} picture`);
    t.equal((await app.inject(`/media/${r.fileName}`)).statusCode, 200, `${r.role} is served`);
  }
  const listed = JSON.parse((await app.inject('/api/v1/media')).body) as { id: string; renditions?: { role: string }[] }[];
  t.ok(listed.find((m) => m.id === video!.id)?.renditions?.some((r) => r.role === 'thumbnail'), 'the library lists the thumbnail');
  for (const m of [video!, audio!]) t.equal(playbackFile(m)?.url, mediaUrl(m), `players still get the seeded ${m.kind} file, not a preview`);
});

t.test('a catalogue seeded before previews existed gets them at the next start', async (t) => {
  const dataDir = t.testdir();
  const first = await buildTestApp(t, { dataDir });
  await first.crier.catalogue.update((draft) => {
    for (const m of draft.media) if (m.kind === 'video' || m.kind === 'audio') delete m.renditions;
  });
  await first.close();
  const again = await buildTestApp(t, { dataDir });
  t.same(seededAv(again).map(roles).sort(), [['poster', 'thumbnail'], ['waveform']]);
});
