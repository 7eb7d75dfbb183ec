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
  mime: z.string().optional(),
  slogan: SloganSchema.optional(),
  durationMs: z.number().int().positive(),
});
export type ManifestItem = z.infer<typeof ManifestItemSchema>;

export const ManifestSchema = z.object({
  /** Content-derived: equal versions mean equal manifests, across restarts too. */
  version: z.string().min(1).max(64),
  screenId: IdSchema,
  playlistId: IdSchema,
  playlistName: z.string(),
  /** Why this loop: which schedule entry won, or the default campaign. */
  reason: z.string(),
  generatedAt: IsoTimeSchema,
  items: z.array(ManifestItemSchema).min(1),
});
export type Manifest = z.infer<typeof ManifestSchema>;
