// What a player needs to air: the resolved loop, self-contained (no catalogue lookups on the player).
import * as z from 'zod';
import { ContentHashSchema, IdSchema, IsoTimeSchema, MediaKindSchema, SloganSchema } from './catalogue.schema.js';

export const ManifestItemSchema = z.object({
  /** The playlist item id: unique within the manifest, what play records name. */
  id: IdSchema,
  mediaId: IdSchema,
  type: MediaKindSchema,
  title: z.string(),
  /** SHA-256 of the file, or of the slogan's canonical JSON for text. */
  hash: ContentHashSchema,
  /** Where the player fetches the file; absent for text. Immutable: a new file gets a new URL. */
  url: z.string().min(1).optional(),
  /** A JPEG of the same still, for a browser that cannot decode the WebP in `url`. */
  fallbackUrl: z.string().min(1).optional(),
  mime: z.string().optional(),
  /** Size of the file at `url`, so a player can tell how much of its offline cache is filled. */
  bytes: z.number().int().nonnegative().optional(),
  slogan: SloganSchema.optional(),
  durationMs: z.number().int().positive(),
});
export type ManifestItem = z.infer<typeof ManifestItemSchema>;

export const SourceKindSchema = z.enum(['alert', 'broadcast', 'schedule', 'default', 'none']);

export const SourceRefSchema = z.object({
  kind: SourceKindSchema,
  /** Alert, broadcast or schedule entry id; the playlist id for the default campaign; null for none. */
  id: z.string().nullable(),
  priority: z.number().int(),
});

export const ManifestSegmentSchema = z.object({
  start: IsoTimeSchema,
  end: IsoTimeSchema,
  source: SourceRefSchema,
  /** Equal keys are the same airing: a loop that comes back after a broadcast resumes where it was. */
  key: z.string(),
  playlistId: IdSchema.nullable(),
  playlistName: z.string().nullable(),
  /** loop: repeats until the segment ends; once: airs one time through, from `anchor` (a broadcast; an alert's N airings at a station). */
  mode: z.enum(['loop', 'once']),
  anchor: IsoTimeSchema.nullable(),
  /** Key into `timeline.loops`; an empty loop means nothing can air (the player's built-in slogan shows). */
  loop: z.string(),
  isQuiet: z.boolean(),
  reason: z.string(),
});
export type ManifestSegment = z.infer<typeof ManifestSegmentSchema>;

/** How loud the player airs, from volume schedules and quiet hours (playlists/volume.ts). */
export const VolumeSegmentSchema = z.object({
  start: IsoTimeSchema,
  end: IsoTimeSchema,
  /** 0–100: the share of the OS volume given to audio and video elements. */
  volume: z.number().int().min(0).max(100),
  source: z.object({ kind: z.enum(['level', 'default', 'quiet', 'none']), id: z.string().nullable() }),
  reason: z.string(),
});
export type VolumeSegmentWire = z.infer<typeof VolumeSegmentSchema>;

export const ManifestTimelineSchema = z.object({
  timeZone: z.string(),
  from: IsoTimeSchema,
  to: IsoTimeSchema,
  /** Contiguous, in order, covering [from, to). */
  segments: z.array(ManifestSegmentSchema).min(1),
  /** Item lists shared by segments (the same loop airs on many days). */
  loops: z.record(z.string(), z.array(ManifestItemSchema)),
  /** Contiguous volume segments over [from, to); optional, so players from before volume schedules still validate. */
  volumes: z.array(VolumeSegmentSchema).optional(),
  /** Video airs with its sound (following the volumes and quiet hours); absent: muted (playlists/sound.ts). */
  sound: z.boolean().optional(),
});
export type ManifestTimeline = z.infer<typeof ManifestTimelineSchema>;

export const ManifestSchema = z.object({
  /** Content-derived: equal versions mean equal manifests, across restarts too. */
  version: z.string().min(1).max(64),
  /** Absent in a shared manifest (one serialisation for many screens, capability `shared-manifest`). */
  screenId: IdSchema.optional(),
  playlistId: IdSchema,
  playlistName: z.string(),
  /** Why this loop: which schedule entry won, or the default campaign. */
  reason: z.string(),
  generatedAt: IsoTimeSchema,
  /** The loop airing when the manifest was built (empty if nothing airs then); the timeline says what airs when. */
  items: z.array(ManifestItemSchema),
  /** What airs from the start of today (screen's zone) for 8 days: enough to air a week without the server. */
  timeline: ManifestTimelineSchema.optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/**
 * The compact wire form (capability `compact-manifest`): each distinct item once in `timeline.items`, loops
 * as indexes into it, and `itemsLoop` naming the loop that is `items`, instead of the loop written out again.
 * Players expand it into the Manifest above (expandManifest), so everything after reception is unchanged.
 */
export const CompactManifestSchema = ManifestSchema.omit({ items: true, timeline: true })
  .extend({
    itemsLoop: z.string(),
    timeline: ManifestTimelineSchema.omit({ loops: true }).extend({
      items: z.array(ManifestItemSchema),
      loops: z.record(z.string(), z.array(z.number().int().nonnegative())),
    }),
  })
  .refine((m) => m.itemsLoop in m.timeline.loops && Object.values(m.timeline.loops).every((loop) => loop.every((i) => i < m.timeline.items.length)), {
    message: '紧凑清单引用了不存在的节目 / compact manifest refers to a missing item or loop',
  });
export type CompactManifest = z.infer<typeof CompactManifestSchema>;

/** The Manifest a compact one stands for: equal, field for field, to the full form the server would send. */
export function expandManifest(compact: CompactManifest): Manifest {
  const { itemsLoop, timeline, ...head } = compact;
  const { items: table, loops: indexes, timeZone, from, to, segments, ...after } = timeline;
  const loops: Record<string, ManifestItem[]> = {};
  for (const [key, loop] of Object.entries(indexes)) loops[key] = loop.map((i) => table[i]!);
  // The full form's field order, so the expanded manifest serialises as the full one does.
  return { ...head, items: loops[itemsLoop]!, timeline: { timeZone, from, to, segments, loops, ...after } };
}

/** The compact form says which loop is `items`; the full form never has `itemsLoop`. */
const isCompactWire = (value: unknown): boolean => typeof value === 'object' && value !== null && 'itemsLoop' in value;

/**
 * A manifest on the wire, in either form, as the full one: only the schema of the form it is in runs, and the
 * compact one is expanded by hand. The union this replaces tried the full form first and failed it on every
 * compact manifest, then ran the compact schema inside zod's `.transform` pipe: ~300 µs a 32 KB compact manifest
 * against ~140 µs here (zod without eval, as in the browser: ~500 against ~270; docs/scaling.md, tenth session).
 * Hot paths (the load simulator's players, a player's patch result) call this directly.
 */
export function parseWireManifest(value: unknown): { success: true; data: Manifest } | { success: false; error: z.ZodError } {
  if (!isCompactWire(value)) return ManifestSchema.safeParse(value);
  const compact = CompactManifestSchema.safeParse(value);
  return compact.success ? { success: true, data: expandManifest(compact.data) } : compact;
}

/**
 * A manifest on the wire inside a message: parseWireManifest, its issues under the manifest's place in the
 * message. A check that replaces the value, not zod's `.transform`: the transform's pipe cost ~100 µs more a
 * manifest, as much as the validation itself (docs/scaling.md, tenth session).
 */
export const WireManifestSchema = z.custom<Manifest>().check((ctx) => {
  const parsed = parseWireManifest(ctx.value);
  if (parsed.success) ctx.value = parsed.data;
  else ctx.issues.push(...parsed.error.issues.map((issue) => ({ ...issue, input: undefined })));
});
