// What a build leaves behind for the young generation's collector: a build worker builds thousands of screens
// whose rules all differ one after another, keeping nothing between them, so almost nothing a build makes should
// outlive a scavenge. When a built timeline's JSON parts were kept in a WeakMap keyed by the timeline, V8's
// scavenges kept them alive (6-8 KB a build here, ~11 KB for the bench's), promoted them, and
// left them for a mark-compact: a fifth of a distinct build's CPU (docs/scaling.md, seventeenth session).
// Read from V8's own trace of each scavenge (--trace-gc-nvp) in a process of its own, so nothing else of the
// suite's is in the heap. Also: the parts a timeline carries never describe a copy that changed it.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { buildManifest } from '../../playlists/build-manifest.js';
import { compactManifestJson, sharedManifestJson } from '../../playlists/timeline-manifest.js';
import { distinctCatalogue, TZ } from '../fixtures/distinct-builds.js';
import { NOW } from '../fixtures/random-catalogue.js';
import { withoutTapHooks } from '../node-command.js';

t.test('a build worker’s builds leave next to nothing for the scavenges to promote', (t) => {
  const screens = 3000;
  // As `npm start` runs the server (package.json: its young generation, under tsx), traced. Under tsx even when
  // the suite runs compiled: how the code is compiled changes what V8 keeps (esbuild's kept names, as tsx has them,
  // showed it; the compiled test tree's modules did not).
  const run = spawnSync('env', [`NODE_OPTIONS=${withoutTapHooks(process.env.NODE_OPTIONS)}`, process.execPath, '--max-semi-space-size=32', '--trace-gc-nvp', '--import', 'tsx', 'test/fixtures/distinct-build-loop.ts', String(screens)], { encoding: 'utf8', timeout: 120_000 });
  t.equal(run.status, 0, `the build loop ran (${run.stderr.slice(-500)})`);
  const lines = run.stdout.split('\n');
  const from = lines.indexOf('BUILDS-START');
  const to = lines.indexOf('BUILDS-END');
  t.ok(from >= 0 && to > from, 'both marks printed');
  const scavenges = lines.slice(from, to).filter((l) => /\bgc=s\b/.test(l)).map((l) => Number(/\bpromoted=(\d+)/.exec(l)?.[1] ?? NaN));
  const { builds, frameBytes } = JSON.parse(lines[to + 1]!) as { builds: number; frameBytes: number };
  t.equal(builds, screens, `${builds} screens built, frames of ~${frameBytes} B`);
  // Not vacuous: the builds went through several scavenges.
  t.ok(scavenges.length >= 3, `${scavenges.length} scavenges during the builds`);
  t.ok(scavenges.every(Number.isFinite), 'each says what it promoted');
  const promotedPerBuild = scavenges.reduce((a, b) => a + b, 0) / builds;
  t.ok(promotedPerBuild < 2048, `${Math.round(promotedPerBuild)} B promoted per build (under 2 KB; 6-8 KB with the parts in a WeakMap)`);
  t.end();
});

t.test('a copy of a timeline that changes it is serialised from what it holds, not from the parts of the original', (t) => {
  const catalogue = distinctCatalogue(20);
  const manifest = buildManifest(catalogue, { id: catalogue.screens[3]!.id }, NOW, { timeZone: TZ })!;
  const { screenId: _screen, ...shared } = manifest;
  t.equal(sharedManifestJson(manifest), JSON.stringify(shared), 'the built manifest: its parts make the same JSON as stringifying it');
  const timeline = manifest.timeline!;
  t.notOk(Object.getOwnPropertySymbols(timeline).some((s) => Object.getOwnPropertyDescriptor(timeline, s)!.enumerable), 'nothing a spread would copy rides on the timeline');
  // A spread copy with other segments (as a preview or a patch might make): its own JSON, and no compact form from parts it lacks.
  const changed = { ...manifest, timeline: { ...manifest.timeline!, segments: manifest.timeline!.segments.slice(1) } };
  const { screenId: _s, ...changedShared } = changed;
  t.equal(sharedManifestJson(changed), JSON.stringify(changedShared), 'the copy’s JSON has its own segments');
  t.equal(compactManifestJson(changed), null, 'and no compact JSON is made for it from the original’s parts');
  // structuredClone (a postMessage) leaves them behind too.
  t.equal(compactManifestJson(structuredClone(manifest)), null, 'a structured clone carries no parts');
  t.not(compactManifestJson(manifest), null, 'the original still has its compact form');
  t.end();
});
