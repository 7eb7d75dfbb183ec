// The catalogue: what staff manage (media, playlists, schedules, screens).
// Pure zod schemas shared by the server, the player and the console; types are inferred, never written twice.
import * as z from 'zod';

import { IdSchema, IsoTimeSchema } from './primitives.schema.js';
import { registerProblems } from './register.check.js';
import { CampaignSchema, defaultCampaign, SiteSchema, TownshipSchema, VillageSchema } from './register.schema.js';
import { AlertSchema, BroadcastSchema, QuietHoursSchema, ScheduleEntrySchema } from './schedule.schema.js';
import { VolumeScheduleSchema } from './volume.schema.js';

export { IdSchema, IsoTimeSchema };
// Scheduling rules (targets, schedule entries, broadcasts, alerts, quiet hours) live in schedule.schema.ts.
export { TargetSchema, ScheduleEntrySchema, type Target, type ScheduleEntry } from './schedule.schema.js';
/** A SHA-256 in lowercase hex: names every file and text item by content. */
export const ContentHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'content hash: 64 lowercase hex digits');

export const MediaKindSchema = z.enum(['text', 'image', 'video', 'audio']);
export type MediaKind = z.infer<typeof MediaKindSchema>;

/** Fraud types of the county plan, used to tag content. */
export const FraudTagSchema = z.enum(['网贷', '投资博彩', '刷单', '网购退赔', '冒充领导/熟人', '其他']);
export type FraudTag = z.infer<typeof FraudTagSchema>;

export const TextThemeSchema = z.enum(['alert', 'calm', 'warning']);
export type TextTheme = z.infer<typeof TextThemeSchema>;

export const SloganSchema = z.object({
  headline: z.string().trim().min(1).max(80),
  subline: z.string().trim().max(160).optional(),
  theme: TextThemeSchema.default('alert'),
  /** `ticker` scrolls along a strip LED screen; absent means a full-screen slide. */
  variant: z.enum(['slide', 'ticker']).optional(),
});
export type Slogan = z.infer<typeof SloganSchema>;

export const MediaFileSchema = z.object({
  fileName: z.string().min(1).max(200),
  mime: z.string().min(3).max(100),
  bytes: z.number().int().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  durationMs: z.number().int().positive().optional(),
  /** Uploaded originals live outside the served media folder, under this content-addressed name. */
  storedAs: z.string().regex(/^[0-9a-f]{64}\.[a-z0-9]{2,5}$/).optional(),
  videoCodec: z.string().max(40).optional(),
  audioCodec: z.string().max(40).optional(),
  /** Display rotation of a phone video in degrees, as probed; renditions are already upright. */
  rotation: z.number().int().optional(),
});
export type MediaFile = z.infer<typeof MediaFileSchema>;

/** Only `ready` media airs; uploads of video and audio are `processing` until their renditions exist. */
export const MediaStatusSchema = z.enum(['processing', 'ready', 'failed']);
export type MediaStatus = z.infer<typeof MediaStatusSchema>;

export const RenditionRoleSchema = z.enum(['display', 'fallback', 'playback', 'thumbnail', 'poster', 'waveform', 'preview']);
export type RenditionRole = z.infer<typeof RenditionRoleSchema>;

/** A file made from the original, named by its own SHA-256 and served from /media/. */
export const RenditionSchema = z.object({
  role: RenditionRoleSchema,
  /** The screen profile it was made for, e.g. `1920x1080`; absent for roles that have one size. */
  profile: z.string().regex(/^\d+x\d+$/).optional(),
  fileName: z.string().regex(/^[0-9a-f]{64}\.(webp|jpg|png|mp4|mp3|m4a)$/),
  mime: z.string().min(3).max(100),
  bytes: z.number().int().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  durationMs: z.number().int().positive().optional(),
});
export type Rendition = z.infer<typeof RenditionSchema>;

export const MediaErrorSchema = z.object({ reason: z.string().min(1).max(60), message: z.string().max(500) });

/** Release of uploaded media (issue 6). Absent means approved: the seeded campaign, catalogues from before approval. */
export const ApprovalSchema = z.object({
  state: z.enum(['pending', 'approved', 'rejected']),
  /** Username of who decided (or uploaded, when approved at once). */
  by: z.string().max(100).optional(),
  at: IsoTimeSchema.optional(),
  /** Why it was rejected, for the editor. */
  note: z.string().max(500).optional(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

export const MediaItemSchema = z.object({
  id: IdSchema,
  kind: MediaKindSchema,
  title: z.string().trim().min(1).max(120),
  /** Content identity: SHA-256 of the file, or of the slogan's canonical JSON for text. */
  hash: ContentHashSchema,
  tags: z.array(FraudTagSchema).default([]),
  /** Text slogans carry their words; every other kind carries a file. */
  slogan: SloganSchema.optional(),
  file: MediaFileSchema.optional(),
  /** Absent means ready: items made before ingest existed (the seeded campaign) air their file as it is. */
  status: MediaStatusSchema.optional(),
  /** Why processing failed, kept for staff until the item is deleted or uploaded again. */
  error: MediaErrorSchema.optional(),
  /** Outside [validFrom, validTo) the item never airs. */
  validFrom: IsoTimeSchema.optional(),
  validTo: IsoTimeSchema.optional(),
  renditions: z.array(RenditionSchema).optional(),
  /** Pending or rejected media never airs (isAirable). */
  approval: ApprovalSchema.optional(),
  createdAt: IsoTimeSchema,
  /** When processing last finished: from then on it can air (an alert's audio counts its airings from here). */
  readyAt: IsoTimeSchema.optional(),
});
export type MediaItem = z.infer<typeof MediaItemSchema>;


export const PlaylistItemSchema = z.object({
  id: IdSchema,
  mediaId: IdSchema,
  /** Required for stills and text; video and audio default to their own length. */
  durationMs: z.number().int().min(1000).max(3_600_000).optional(),
  /** Share of voice: woven into the loop often enough to air at least this many times an hour. */
  minPerHour: z.number().int().min(1).max(120).optional(),
});
export type PlaylistItem = z.infer<typeof PlaylistItemSchema>;

export const PlaylistSchema = z.object({
  id: IdSchema,
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(500).default(''),
  items: z.array(PlaylistItemSchema).min(1).max(500),
  createdAt: IsoTimeSchema,
  updatedAt: IsoTimeSchema,
});
export type Playlist = z.infer<typeof PlaylistSchema>;

export const ScreenModeSchema = z.enum(['screen', 'audio']);
export type ScreenMode = z.infer<typeof ScreenModeSchema>;

export const ScreenSchema = z.object({
  id: IdSchema,
  name: z.string().trim().min(1).max(120),
  /** Provisional screens introduced themselves without a token; pairing turns them into claimed ones. */
  isProvisional: z.boolean(),
  township: z.string().trim().max(60).optional(),
  site: z.string().trim().max(120).optional(),
  siteType: z.string().trim().max(60).optional(),
  /** Its site in the register; township, site and siteType above are then copies kept in sync from it. */
  siteId: IdSchema.optional(),
  groups: z.array(z.string().trim().min(1).max(60)).default([]),
  timeZone: z.string().optional(),
  createdAt: IsoTimeSchema,
  /** While unclaimed: the code the player shows (6 characters, no 0/O/1/I/L), unique among unclaimed screens. */
  pairingCode: z.string().regex(/^[A-Z2-9]{6}$/).optional(),
  claimedAt: IsoTimeSchema.optional(),
  revokedAt: IsoTimeSchema.optional(),
  // Stations and sound (issue 12.2, 12.3).
  /** How its player last introduced itself: `audio` is a village broadcast station (airs audio only). */
  mode: ScreenModeSchema.optional(),
  /** Whether video plays with its sound here; absent: its site type's setting, else on for stations, off for screens. */
  sound: z.enum(['on', 'off']).optional(),
  // Device tokens live apart (server/pairing/token.store.ts), never in the catalogue.
});
export type Screen = z.infer<typeof ScreenSchema>;

export const CatalogueSchema = z.object({
  schemaVersion: z.literal(1),
  defaultPlaylistId: IdSchema.nullable(),
  media: z.array(MediaItemSchema),
  playlists: z.array(PlaylistSchema),
  schedules: z.array(ScheduleEntrySchema),
  screens: z.array(ScreenSchema),
  broadcasts: z.array(BroadcastSchema).default([]),
  alerts: z.array(AlertSchema).default([]),
  quietHours: z.array(QuietHoursSchema).default([]),
  volumeSchedules: z.array(VolumeScheduleSchema).default([]),
  // Stations and sound (issue 12.2, 12.3).
  /** Video sound per site type (`{"车站": "on"}`); a screen's own `sound` wins. */
  siteTypeSound: z.record(z.string().trim().min(1).max(60), z.enum(['on', 'off'])).default({}),
  /** One-time defaults already put in (e.g. `station-quiet-hours`), so one an operator deleted is not added again. */
  seededDefaults: z.array(z.string().min(1).max(60)).default([]),
  // The register of places (playlists/register.schema.ts): absent in catalogues from before it existed.
  townships: z.array(TownshipSchema).default([]),
  villages: z.array(VillageSchema).default([]),
  sites: z.array(SiteSchema).default([]),
  campaign: CampaignSchema.default(defaultCampaign),
}).superRefine((catalogue, ctx) => {
  for (const problem of registerProblems(catalogue)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
});
export type Catalogue = z.infer<typeof CatalogueSchema>;

/**
 * The catalogue's lists of items with ids, each with its item's schema: a change is validated item by
 * item, only the items it touched (server/storage/catalogue.delta.ts). The other keys are settings.
 */
export const CATALOGUE_ITEM_SCHEMAS = {
  media: MediaItemSchema,
  playlists: PlaylistSchema,
  schedules: ScheduleEntrySchema,
  screens: ScreenSchema,
  broadcasts: BroadcastSchema,
  alerts: AlertSchema,
  quietHours: QuietHoursSchema,
  volumeSchedules: VolumeScheduleSchema,
  townships: TownshipSchema,
  villages: VillageSchema,
  sites: SiteSchema,
} as const satisfies Record<ItemListKeys, z.ZodType>;
/** Every key whose value is a list of items with ids: the map above must name each (checked by the compiler). */
type ItemListKeys = { [K in keyof Catalogue]: Catalogue[K] extends readonly { id: string }[] ? K : never }[keyof Catalogue];
export type CatalogueListKey = keyof typeof CATALOGUE_ITEM_SCHEMAS;
export type CatalogueSettingKey = Exclude<keyof Catalogue, CatalogueListKey>;
/** The catalogue's settings (not lists of items), each with its schema. */
export const CATALOGUE_SETTING_SCHEMAS = {
  schemaVersion: CatalogueSchema.shape.schemaVersion,
  defaultPlaylistId: CatalogueSchema.shape.defaultPlaylistId,
  siteTypeSound: CatalogueSchema.shape.siteTypeSound,
  seededDefaults: CatalogueSchema.shape.seededDefaults,
  campaign: CatalogueSchema.shape.campaign,
} as const satisfies Record<CatalogueSettingKey, z.ZodType>;

export const emptyCatalogue = (): Catalogue => ({
  schemaVersion: 1,
  defaultPlaylistId: null,
  media: [],
  playlists: [],
  schedules: [],
  screens: [],
  broadcasts: [],
  alerts: [],
  quietHours: [],
  volumeSchedules: [],
  siteTypeSound: {},
  seededDefaults: [],
  townships: [],
  villages: [],
  sites: [],
  campaign: defaultCampaign(),
});
