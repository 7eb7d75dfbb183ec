// The catalogue: what staff manage (media, playlists, schedules, screens).
// Pure zod schemas shared by the server, the player and the console; types are inferred, never written twice.
import * as z from 'zod';

export const IdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'id: letters, digits, "-" and "_" only');
export const IsoTimeSchema = z.iso.datetime({ offset: true });
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
});
export type Slogan = z.infer<typeof SloganSchema>;

export const MediaFileSchema = z.object({
  fileName: z.string().min(1).max(200),
  mime: z.string().min(3).max(100),
  bytes: z.number().int().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  durationMs: z.number().int().positive().optional(),
});
export type MediaFile = z.infer<typeof MediaFileSchema>;

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
  createdAt: IsoTimeSchema,
});
export type MediaItem = z.infer<typeof MediaItemSchema>;

export const PlaylistItemSchema = z.object({
  id: IdSchema,
  mediaId: IdSchema,
  /** Required for stills and text; video and audio default to their own length. */
  durationMs: z.number().int().min(1000).max(3_600_000).optional(),
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

/** Who a schedule entry reaches. The scheduling issue adds groups, townships and site types. */
export const TargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('screens'), screenIds: z.array(IdSchema).min(1).max(10_000) }),
]);
export type Target = z.infer<typeof TargetSchema>;

export const ScheduleEntrySchema = z.object({
  id: IdSchema,
  playlistId: IdSchema,
  target: TargetSchema,
  /** Higher wins; the default campaign sits at the bottom. */
  priority: z.number().int().min(0).max(1000).default(0),
  createdAt: IsoTimeSchema,
});
export type ScheduleEntry = z.infer<typeof ScheduleEntrySchema>;

export const ScreenSchema = z.object({
  id: IdSchema,
  name: z.string().trim().min(1).max(120),
  /** Provisional screens introduced themselves without a token; pairing turns them into claimed ones. */
  isProvisional: z.boolean(),
  township: z.string().trim().max(60).optional(),
  site: z.string().trim().max(120).optional(),
  siteType: z.string().trim().max(60).optional(),
  groups: z.array(z.string().trim().min(1).max(60)).default([]),
  timeZone: z.string().optional(),
  createdAt: IsoTimeSchema,
});
export type Screen = z.infer<typeof ScreenSchema>;

export const CatalogueSchema = z.object({
  schemaVersion: z.literal(1),
  defaultPlaylistId: IdSchema.nullable(),
  media: z.array(MediaItemSchema),
  playlists: z.array(PlaylistSchema),
  schedules: z.array(ScheduleEntrySchema),
  screens: z.array(ScreenSchema),
});
export type Catalogue = z.infer<typeof CatalogueSchema>;

export const emptyCatalogue = (): Catalogue => ({
  schemaVersion: 1,
  defaultPlaylistId: null,
  media: [],
  playlists: [],
  schedules: [],
  screens: [],
});
