// A screen's manifest: its resolved timeline from the start of today (in its zone) for 8 days, so a
// player can air the next 7 days without the server. The window is anchored to the day, so the version
// changes when content or rules change, and once a day at local midnight — not as time passes.
import { manifestItem, type Display } from './build-manifest.js';
import { reachingIds, screenById } from './catalogue.index.js';
import type { Catalogue } from './catalogue.schema.js';
import { contentVersion } from './content-version.js';
import type { Manifest, ManifestItem, ManifestSegment, ManifestTimeline } from './manifest.schema.js';
import type { ScreenAttributes } from './targets.js';
import { describeSegment, resolveTimeline, screenSignature, segmentAt, type ResolvedItem, type Segment } from './timeline.js';
import { soundOf } from './sound.js';
import { resolveVolume, volumeRulesSignature, volumeSignature } from './volume.js';
import { localDayAt, usableTimeZone, wallToInstant } from './wall-clock.js';

/** Days of timeline in a manifest: today, plus 7 whole days ahead at any time of day. */
export const MANIFEST_DAYS = 8;

export interface TimelineManifestOptions {
  /** The zone for screens without their own (the server's CRIER_TIME_ZONE). */
  timeZone?: string;
  /** False builds afresh (benchmarks); by default screens with equal rules share one build. */
  useCache?: boolean;
  /** False: the build is not kept for later screens with the same rules (the build worker: each screen it gets has a key of its own). */
  keepBuilt?: boolean;
}

interface BuiltTimeline {
  timeline: ManifestTimeline;
  version: string;
  /** Segment instants, for finding the one airing at `now`. */
  spans: { start: number; end: number }[];
}
/** Timelines per catalogue object, shared by screens with the same rules, zone, display and day. */
const builtByCatalogue = new WeakMap<object, Map<string, BuiltTimeline>>();
const MAX_BUILT = 1000;

/** A bare `{ id }` is completed from the catalogue, so callers need not look the screen up. */
function completeScreen(catalogue: Readonly<Catalogue>, screen: ScreenAttributes): ScreenAttributes {
  const known = screenById(catalogue, screen.id);
  return known ? { ...known, ...screen } : screen;
}

/** The last window per zone, reused until its day ends: every screen of a zone asks for the same one. */
const windows = new Map<string, { from: number; dayEnd: number; to: number }>();

/** The manifest's window: local midnight today to local midnight MANIFEST_DAYS later. */
export function manifestWindow(now: Date, timeZone: string): { from: number; to: number } {
  const t = now.getTime();
  const cached = windows.get(timeZone);
  if (cached && cached.from <= t && t < cached.dayEnd) return { from: cached.from, to: cached.to };
  const { day } = localDayAt(t, timeZone);
  const window = { from: wallToInstant(day, 0, timeZone), dayEnd: wallToInstant(day + 1, 0, timeZone), to: wallToInstant(day + MANIFEST_DAYS, 0, timeZone) };
  windows.set(timeZone, window);
  return { from: window.from, to: window.to };
}

export const segmentKey = (s: Pick<Segment, 'source' | 'mode' | 'anchor'>) =>
  `${s.source.kind}:${s.source.id ?? '-'}${s.mode === 'once' && s.anchor !== null ? `@${s.anchor}` : ''}`;

type KeyOf = ReturnType<typeof computeKeyOf>;
/** The last key worked out: a publisher asks a screen's key, then builds that same screen object at the same instant. */
let lastKey: { catalogue: object; screen: object; at: number; timeZone: string | undefined; key: KeyOf } | null = null;

function keyOf(catalogue: Readonly<Catalogue>, screen: ScreenAttributes & { display?: Display }, now: Date, options: TimelineManifestOptions): KeyOf {
  const at = now.getTime();
  if (lastKey && lastKey.catalogue === catalogue && lastKey.screen === screen && lastKey.at === at && lastKey.timeZone === options.timeZone) return lastKey.key;
  const key = computeKeyOf(catalogue, screen, now, options);
  lastKey = { catalogue, screen, at, timeZone: options.timeZone, key };
  return key;
}

function computeKeyOf(catalogue: Readonly<Catalogue>, screen: ScreenAttributes & { display?: Display }, now: Date, options: TimelineManifestOptions) {
  const full = completeScreen(catalogue, screen);
  const signature = screenSignature(catalogue, full, options);
  const timeZone = signature.slice(0, signature.indexOf('|'));
  const { from, to } = manifestWindow(now, timeZone);
  // Video sound is the screen's own (playlists/sound.ts): screens that differ in it get different manifests.
  const sound = soundOf(catalogue, full);
  const cacheKey = `${from}|${screen.display ? `${screen.display.width}x${screen.display.height}` : '-'}|${signature}|${volumeSignature(catalogue, full)}|${sound}`;
  return { full, from, to, cacheKey, sound };
}

/** Whether some rule names the screen by id (a `screens` target): such a screen gets a key of its own. Through the rule lists' indexes, which commits carry, not a pass over every rule per catalogue. */
const isNamedByRule = (catalogue: Readonly<Catalogue>, screenId: string): boolean =>
  [catalogue.schedules, catalogue.broadcasts, catalogue.alerts, catalogue.quietHours, catalogue.volumeSchedules].some((rules) => !!rules && reachingIds(rules, `s:${screenId}`).size > 0);
/** Keys per catalogue by what a key depends on (day, zone, mode, place, groups, sound, display), for screens no rule names by id. */
const keysByClass = new WeakMap<object, Map<string, string>>();

/**
 * Screens with equal keys get equal manifests at the same instant, all but `screenId`: a publisher
 * builds and serialises one per key and sends the same bytes to all of them. Thousands of screens share
 * a few keys: a screen no rule names by id takes the key worked out for an equal screen (same catalogue
 * object, day, zone, mode, place, groups, sound setting and display), so a push to all costs a lookup each.
 */
export function manifestKey(catalogue: Readonly<Catalogue>, screen: ScreenAttributes & { display?: Display }, now: Date, options: TimelineManifestOptions = {}): string {
  if (options.useCache === false || isNamedByRule(catalogue, screen.id)) return keyOf(catalogue, screen, now, options).cacheKey;
  const known = screenById(catalogue, screen.id);
  // As completeScreen merges them: the caller's fields win, even when present but undefined.
  const field = <K extends keyof ScreenAttributes>(k: K) => (k in screen ? screen[k] : known?.[k]);
  const zone = usableTimeZone(field('timeZone'), options.timeZone);
  const display = screen.display ? `${screen.display.width}x${screen.display.height}` : '-';
  const groups = field('groups');
  const kind = `${manifestWindow(now, zone).from}|${zone}|${field('mode') ?? ''}|${field('township') ?? ''}|${field('siteType') ?? ''}|${field('sound') ?? ''}|${display}|${groups ? groups.join('\u0001') : ''}`;
  let keys = keysByClass.get(catalogue);
  if (!keys) keysByClass.set(catalogue, (keys = new Map()));
  let key = keys.get(kind);
  if (key === undefined) {
    if (keys.size >= MAX_BUILT) keys.clear();
    keys.set(kind, (key = keyOf(catalogue, screen, now, options).cacheKey));
  }
  return key;
}

export function buildTimelineManifest(
  catalogue: Readonly<Catalogue>,
  screen: ScreenAttributes & { display?: Display },
  now: Date,
  options: TimelineManifestOptions = {},
): Manifest | null {
  const { full, from, to, cacheKey, sound } = keyOf(catalogue, screen, now, options);
  let cache = builtByCatalogue.get(catalogue);
  if (!cache) builtByCatalogue.set(catalogue, (cache = new Map()));
  let built = options.useCache === false ? undefined : cache.get(cacheKey);
  if (!built) {
    built = buildTimeline(catalogue, full, from, to, screen.display, sound, options);
    if (options.keepBuilt !== false) {
      if (cache.size >= MAX_BUILT) cache.clear();
      cache.set(cacheKey, built);
    }
  }
  const { timeline, version, spans } = built;
  const airing = timeline.segments.filter((s) => timeline.loops[s.loop]!.length > 0);
  if (airing.length === 0) return null;
  const nowSpan = segmentAt(spans, now.getTime());
  const current = (nowSpan && timeline.segments[spans.indexOf(nowSpan)]) || airing[0]!;
  return {
    version,
    screenId: screen.id,
    playlistId: current.playlistId ?? airing[0]!.playlistId!,
    playlistName: current.playlistName ?? airing[0]!.playlistName!,
    reason: current.reason,
    generatedAt: now.toISOString(),
    items: timeline.loops[current.loop]!,
    timeline,
  };
}

/** A loop as players receive it, with its JSON and digest: screens airing the same playlist on the same display share one. */
interface WireLoop {
  items: ManifestItem[];
  /** Each item's JSON: the compact form lists an item once for all the loops that hold it. */
  itemJson: string[];
  json: string;
  version: string;
  /** Names this loop among all made in this process: a key for what is made from a list of loops. */
  serial: number;
}
let nextLoopSerial = 0;
/** Per resolved item list (memoised per catalogue in timeline.ts), per display. */
const wireLoops = new WeakMap<ResolvedItem[], Map<string, WireLoop>>();
/** The JSON of a loop's items by the array a manifest carries (its `items` and `timeline.loops`). */
const loopJson = new WeakMap<ManifestItem[], string>();
/** A built timeline's JSON in parts (before the loops, the loops, after them), so a manifest is not stringified whole again. */
interface TimelineParts {
  /** The text before the loops, as flat pieces (a frame is written from pieces without joining them). */
  head: string[];
  loops: [key: string, loop: WireLoop][];
  tail: string[];
  /** The whole timeline's JSON, made the first time the full form is asked. */
  json?: string;
  /** The compact form's item table and loops as indexes, made the first time a compact form is asked. */
  compact?: CompactLoops;
  /** Those of the catalogue the timeline was built from, by its loops. */
  compactByLoops: Map<string, CompactLoops>;
}
/** The compact form's item table and its loops as indexes into it: the same for every timeline with the same loops in the same order. */
interface CompactLoops {
  items: string;
  loops: string;
  /** The item table's UTF-8, encoded the first time a frame is written: most of a frame's bytes, the same for all that share the table. */
  itemsBytes?: Uint8Array;
}
const utf8 = new TextEncoder();
/**
 * Per catalogue, by the loops' serials and keys: screens whose rules all differ still air a few playlists, so
 * they share a few tables. Per catalogue, so a change's tables go with its catalogue; bounded (each ~50 KB).
 */
const compactLoopsByCatalogue = new WeakMap<object, Map<string, CompactLoops>>();
const MAX_COMPACT_LOOPS = 256;
function compactByLoopsOf(catalogue: Readonly<Catalogue>): Map<string, CompactLoops> {
  let found = compactLoopsByCatalogue.get(catalogue);
  if (!found) compactLoopsByCatalogue.set(catalogue, (found = new Map()));
  return found;
}

function compactLoopsOf({ loops, compactByLoops }: TimelineParts): CompactLoops {
  const key = loops.map(([k, loop]) => `${k}=${loop.serial}`).join(',');
  let found = compactByLoops.get(key);
  if (!found) {
    const table = new Map<string, number>();
    const indexed = loops.map(([k, loop]) => {
      const indexes = loop.itemJson.map((json) => {
        let i = table.get(json);
        if (i === undefined) table.set(json, (i = table.size));
        return i;
      });
      return `"${k}":[${indexes.join(',')}]`;
    });
    if (compactByLoops.size >= MAX_COMPACT_LOOPS) compactByLoops.clear();
    compactByLoops.set(key, (found = { items: [...table.keys()].join(','), loops: indexed.join(',') }));
  }
  return found;
}

/** The full JSON of a timeline built here, composed from its parts once. */
function timelineJson(parts: TimelineParts): string {
  return (parts.json ??= `${parts.head.join('')},"loops":{${parts.loops.map(([key, loop]) => `"${key}":${loop.json}`).join(',')}},${parts.tail.join('')}`);
}
/**
 * A built timeline carries its parts under a symbol, not in a WeakMap keyed by it: in a WeakMap, Node 20's
 * scavenges kept a build's parts (~10 KB of JSON for a screen of its own) alive after its timeline was gone, so
 * they were promoted and left for a mark-compact: about a fifth of a distinct build's CPU (docs/scaling.md,
 * seventeenth session; test/playlists/build-promotion.test.ts). Not enumerable, so a spread copy (which may change what the parts describe) does not
 * take them along; JSON, structuredClone and schema parses leave them behind, as the WeakMap missed such copies.
 */
const PARTS = Symbol('timeline parts');
const partsOf = (timeline: ManifestTimeline): TimelineParts | undefined => (timeline as ManifestTimeline & { [PARTS]?: TimelineParts })[PARTS];
const keepParts = (timeline: ManifestTimeline, parts: TimelineParts) => Object.defineProperty(timeline, PARTS, { value: parts, enumerable: false });

function wireLoop(resolved: ResolvedItem[], display: Display | undefined): WireLoop {
  let byDisplay = wireLoops.get(resolved);
  if (!byDisplay) wireLoops.set(resolved, (byDisplay = new Map()));
  const displayKey = display ? `${display.width}x${display.height}` : '-';
  let loop = byDisplay.get(displayKey);
  if (!loop) {
    const items = resolved.flatMap((i) => manifestItem({ id: i.id, durationMs: i.durationMs }, i.media, display) ?? []);
    const itemJson = items.map((item) => JSON.stringify(item));
    const json = `[${itemJson.join(',')}]`;
    loop = { items, itemJson, json, version: contentVersion(json), serial: nextLoopSerial++ };
    loopJson.set(items, json);
    byDisplay.set(displayKey, loop);
  }
  return loop;
}

/**
 * The shared form of a manifest (without `screenId`) as JSON, equal to `JSON.stringify` of it: a built
 * timeline and its loops are stringified once and spliced in, whatever the number of screens or passes.
 */
export function sharedManifestJson(manifest: Manifest): string {
  const { screenId: _perScreen, items, timeline, ...head } = manifest;
  const itemsJson = loopJson.get(items) ?? JSON.stringify(items);
  const parts = timeline && partsOf(timeline);
  const rest = timeline ? `,"timeline":${parts ? timelineJson(parts) : JSON.stringify(timeline)}` : '';
  return `${JSON.stringify(head).slice(0, -1)},"items":${itemsJson}${rest}}`;
}

/**
 * The compact form (manifest.schema.ts, CompactManifestSchema) as JSON, without `screenId`; null for a
 * manifest not built here (no parts to compose from): that one goes out in the full form.
 */
export function compactManifestJson(manifest: Manifest): string | null {
  const pieces = compactManifestPieces(manifest);
  return pieces && pieces.reduce((json, piece) => json + piece, '');
}

/**
 * The compact form's JSON as pieces in order, the long ones flat (the segments', the item table's, the
 * volumes'): a frame is written from them into one buffer without a joined copy of tens of KB per build.
 */
export function compactManifestPieces(manifest: Manifest): string[] | null {
  return compactPieces(manifest, (loops) => loops.items);
}

/** The compact form's pieces as `compactManifestPieces` gives them, with the item table as UTF-8 made once: what a frame is written from. */
export function compactManifestFramePieces(manifest: Manifest): (string | Uint8Array)[] | null {
  return compactPieces(manifest, (loops) => (loops.itemsBytes ??= utf8.encode(loops.items)));
}

function compactPieces<T>(manifest: Manifest, itemTable: (loops: CompactLoops) => T): (string | T)[] | null {
  const { screenId: _perScreen, items, timeline, ...head } = manifest;
  const parts = timeline && partsOf(timeline);
  const itemsLoop = parts?.loops.find(([, loop]) => loop.items === items)?.[0];
  if (!parts || itemsLoop === undefined) return null;
  parts.compact ??= compactLoopsOf(parts);
  return [`${JSON.stringify(head).slice(0, -1)},"itemsLoop":"${itemsLoop}","timeline":`, ...parts.head, ',"items":[', itemTable(parts.compact), '],"loops":{', parts.compact.loops, '},', ...parts.tail, '}'];
}

/** ISO text of the instants builds use: segment edges fall on a few thousand minutes, each formatted once. */
const isoTexts = new Map<number, string>();
const MAX_ISO_TEXTS = 50_000;
function iso(ms: number): string {
  let text = isoTexts.get(ms);
  if (text === undefined) {
    if (isoTexts.size >= MAX_ISO_TEXTS) isoTexts.clear();
    isoTexts.set(ms, (text = new Date(ms).toISOString()));
  }
  return text;
}

/** A screen's volumes as manifests carry them, with their JSON: per catalogue by what they depend on (zone, range, the volume and quiet rules reaching the screen), so screens whose schedules all differ but whose volumes agree share one. */
const volumesByCatalogue = new WeakMap<object, Map<string, { volumes: ManifestTimeline['volumes']; json: string }>>();
function wireVolumes(catalogue: Readonly<Catalogue>, screen: ScreenAttributes, from: number, to: number, options: TimelineManifestOptions) {
  let byKey = volumesByCatalogue.get(catalogue);
  if (!byKey) volumesByCatalogue.set(catalogue, (byKey = new Map()));
  const key = `${usableTimeZone(screen.timeZone, options.timeZone)}|${from}|${to}|${volumeRulesSignature(catalogue, screen)}`;
  let found = byKey.get(key);
  if (!found) {
    const volumes = resolveVolume(catalogue, screen, from, to, options).map((v) => ({ start: iso(v.start), end: iso(v.end), volume: v.volume, source: v.source, reason: v.reason }));
    if (byKey.size >= MAX_BUILT) byKey.clear();
    byKey.set(key, (found = { volumes, json: JSON.stringify(volumes) }));
  }
  return found;
}

function buildTimeline(
  catalogue: Readonly<Catalogue>,
  screen: ScreenAttributes,
  from: number,
  to: number,
  display: Display | undefined,
  sound: boolean,
  options: TimelineManifestOptions,
): BuiltTimeline {
  const resolved = resolveTimeline(catalogue, screen, from, to, options);
  const loops: Record<string, ManifestItem[]> = {};
  const wireLoops: [string, WireLoop][] = [];
  const loopKeys = new Map<ResolvedItem[], string>();
  const loopOf = (items: ResolvedItem[]): string => {
    let key = loopKeys.get(items);
    if (key === undefined) {
      key = `L${loopKeys.size}`;
      loopKeys.set(items, key);
      const wire = wireLoop(items, display);
      loops[key] = wire.items;
      wireLoops.push([key, wire]);
    }
    return key;
  };
  const segments: ManifestSegment[] = resolved.segments.map((s) => ({
    start: iso(s.start),
    end: iso(s.end),
    source: s.source,
    key: segmentKey(s),
    playlistId: s.playlistId,
    playlistName: s.playlistName,
    mode: s.mode,
    anchor: s.anchor === null ? null : iso(s.anchor),
    loop: loopOf(s.items),
    isQuiet: s.isQuiet,
    reason: describeSegment(s),
  }));
  const { volumes, json: volumesJson } = wireVolumes(catalogue, screen, from, to, options);
  const timeline: ManifestTimeline = { timeZone: resolved.timeZone, from: iso(from), to: iso(to), segments, loops, volumes, ...(sound ? { sound } : {}) };
  // The same text JSON.stringify(timeline) gives, with each loop's JSON made once for all screens that air it.
  const head = [`{"timeZone":${JSON.stringify(timeline.timeZone)},"from":"${timeline.from}","to":"${timeline.to}","segments":`, JSON.stringify(segments)];
  const tail = ['"volumes":', volumesJson, sound ? ',"sound":true}' : '}'];
  keepParts(timeline, { head, loops: wireLoops, tail, compactByLoops: compactByLoopsOf(catalogue) });
  // Only the timeline is hashed (`items` and `reason` follow from it and the moment of building); a loop by its digest.
  const version = contentVersion([...head, '|', wireLoops.map(([, loop]) => loop.version).join(','), '|', ...tail]);
  return { timeline, version, spans: resolved.segments.map((s) => ({ start: s.start, end: s.end })) };
}
