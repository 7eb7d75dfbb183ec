// Scheduling benchmarks: 24-hour timelines for 10,000 screens against 500 schedule entries (plus
// broadcasts, alerts and quiet hours), and one screen's 8-day manifest. Synthetic but realistic rules.
import { buildManifest } from '../../playlists/build-manifest.js';
import { emptyCatalogue, type Catalogue } from '../../playlists/catalogue.schema.js';
import type { Target } from '../../playlists/schedule.schema.js';
import { resolveTimeline } from '../../playlists/timeline.js';
import { fmt, quantile } from './stats.js';


/** A seeded generator, so every run resolves the same rules. */
function rng(seed: number) {
  return () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export function syntheticCatalogue(screens = 10_000, entries = 500): Catalogue {
  const r = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const at = '2026-01-01T00:00:00.000Z';
  const townships = Array.from({ length: 20 }, (_, i) => `乡镇${i}`);
  const siteTypes = ['mall', 'station', 'school', 'office', 'loudspeaker'];
  const groups = Array.from({ length: 50 }, (_, i) => `分组${i}`);
  const c: Catalogue = { ...emptyCatalogue(), defaultPlaylistId: 'pl-0' };
  for (let i = 0; i < 200; i++) {
    c.media.push({ id: `m-${i}`, kind: 'text', title: `标语 ${i}`, hash: i.toString(16).padStart(64, '0'), tags: [], slogan: { headline: `反诈标语 ${i}`, theme: 'alert' }, createdAt: at });
  }
  for (let p = 0; p < 50; p++) {
    c.playlists.push({ id: `pl-${p}`, name: `循环 ${p}`, description: '', createdAt: at, updatedAt: at, items: Array.from({ length: 12 }, (_, k) => ({ id: `pl-${p}-${k}`, mediaId: `m-${(p * 7 + k) % 200}`, durationMs: 8000, ...(k === 0 ? { minPerHour: 6 } : {}) })) });
  }
  for (let s = 0; s < screens; s++) {
    c.screens.push({ id: `scr-${s}`, name: `屏 ${s}`, isProvisional: false, township: pick(townships), siteType: pick(siteTypes), groups: [pick(groups), pick(groups)], createdAt: at });
  }
  const target = (): Target => {
    const k = r();
    if (k < 0.4) return { kind: 'groups', groups: [pick(groups)] };
    if (k < 0.7) return { kind: 'townships', townships: [pick(townships)] };
    if (k < 0.9) return { kind: 'siteTypes', siteTypes: [pick(siteTypes)] };
    if (k < 0.97) return { kind: 'screens', screenIds: Array.from({ length: 20 }, () => `scr-${Math.floor(r() * screens)}`) };
    return { kind: 'all' };
  };
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  for (let e = 0; e < entries; e++) {
    const start = Math.floor(r() * 22);
    c.schedules.push({
      id: `sch-${e}`, playlistId: `pl-${1 + Math.floor(r() * 49)}`, target: target(), priority: Math.floor(r() * 10),
      ...(r() < 0.5 ? { weekdays: [1, 2, 3, 4, 5] } : {}),
      ...(r() < 0.8 ? { windows: [{ start: hh(start), end: hh(start + 1 + Math.floor(r() * (23 - start))) }] } : {}),
      createdAt: new Date(Date.parse(at) + e * 1000).toISOString(),
    });
  }
  for (let b = 0; b < 20; b++) c.broadcasts.push({ id: `bc-${b}`, name: `广播 ${b}`, playlistId: `pl-${b + 1}`, target: target(), times: ['07:00', '12:00', '18:00'], priority: b, createdAt: at });
  for (let a = 0; a < 5; a++) c.alerts.push({ id: `al-${a}`, title: `预警 ${a}`, playlistId: `pl-${a + 30}`, target: target(), priority: 0, startsAt: '2026-01-12T02:00:00.000Z', expiresAt: '2026-01-12T06:00:00.000Z', createdAt: at });
  c.quietHours.push({ id: 'qh-0', name: '夜间静音', target: { kind: 'siteTypes', siteTypes: ['loudspeaker'] }, windows: [{ start: '22:00', end: '06:00' }], createdAt: at });
  return c;
}

export function benchScheduling(): void {
  const from = Date.parse('2026-01-12T00:00:00+08:00');
  const to = from + 86_400_000;
  const totals: number[] = [];
  let segments = 0;
  for (let run = 0; run < 5; run++) {
    // A fresh catalogue object each run: the per-catalogue preparation is part of the cost.
    const catalogue = syntheticCatalogue();
    const start = performance.now();
    segments = 0;
    for (const screen of catalogue.screens) segments += resolveTimeline(catalogue, screen, from, to).segments.length;
    totals.push(performance.now() - start);
  }
  console.log(`timelines, 24 h × 10,000 screens × 500 schedule entries (+20 broadcasts, 5 alerts, quiet hours): median ${fmt(quantile(totals, 0.5))} total, best ${fmt(Math.min(...totals))} (${(segments / 10_000).toFixed(1)} segments/screen)`);

  const catalogue = syntheticCatalogue();
  const now = new Date('2026-01-12T10:00:00+08:00');
  const bySegments = catalogue.screens
    .map((screen) => ({ screen, count: resolveTimeline(catalogue, screen, from, to).segments.length }))
    .sort((a, b) => a.count - b.count);
  const cases = [
    ['typical (median segments)', bySegments[bySegments.length >> 1]!.screen],
    ['busiest', bySegments.at(-1)!.screen],
  ] as const;
  for (const [label, screen] of cases) {
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < 1000; i++) {
      const start = performance.now();
      const manifest = buildManifest(catalogue, { id: screen.id }, now, { useCache: false });
      times.push(performance.now() - start);
      size = JSON.stringify(manifest).length;
    }
    console.log(`manifest build, 8-day timeline, ${label} of 10,000 screens under 500 entries: median ${fmt(quantile(times, 0.5))}, p99 ${fmt(quantile(times, 0.99))} (${Math.round(size / 1024)} KiB)`);
  }
  // What a republish after a change costs: every screen's manifest from one fresh catalogue, sharing builds.
  const fresh = syntheticCatalogue();
  const start = performance.now();
  for (const screen of fresh.screens) buildManifest(fresh, { id: screen.id }, now);
  console.log(`manifests for all 10,000 screens after a change (screens with equal rules share one build): ${fmt(performance.now() - start)}`);
}
