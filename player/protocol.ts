// Player protocol v1: every WebSocket message between a player and the server, in one typed map.
// Both sides validate every frame with these schemas (docs/protocol.md explains the exchange).
import * as z from 'zod';
import { IdSchema, IsoTimeSchema } from '../playlists/catalogue.schema.js';
import { ManifestSchema } from '../playlists/manifest.schema.js';

export const PROTOCOL_VERSION = 1;
/** WebSocket close code for repeated protocol violations (4000–4999 is the application range). */
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_PROTOCOL_VERSION = 4001;

const ScreenSizeSchema = z.object({
  width: z.number().int().positive().max(32_768),
  height: z.number().int().positive().max(32_768),
  pixelRatio: z.number().positive().max(8).default(1),
});

export const AiringSchema = z.object({
  itemId: IdSchema,
  mediaId: IdSchema,
  startedAt: IsoTimeSchema,
});

export const PlayRecordSchema = z
  .object({
    /** Made by the player (a UUID); the server deduplicates by it, so resending is harmless. */
    id: z.string().uuid(),
    itemId: IdSchema,
    mediaId: IdSchema,
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    manifestVersion: z.string().min(1).max(64),
    startedAt: IsoTimeSchema,
    endedAt: IsoTimeSchema,
    /** False when the item was cut short (new manifest, error, reload). */
    completed: z.boolean(),
    // Optional since protocol v1.1 (players before it do not send them; the server stores null).
    /** When the timeline meant the item to start (a broadcast's second, the previous item's planned end). */
    plannedStartedAt: IsoTimeSchema.optional(),
    /** How the airing ended; `lost` = the player died mid-item (power cut) and closed it on its next start. */
    outcome: z.enum(['completed', 'cut', 'failed', 'lost']).optional(),
    /** The player's correction of its own clock (server − local, ms) when it made the record. */
    clockOffsetMs: z.number().int().min(-1e11).max(1e11).optional(),
  })
  .refine((r) => Date.parse(r.endedAt) >= Date.parse(r.startedAt), { message: 'endedAt before startedAt', path: ['endedAt'] });
export type PlayRecord = z.infer<typeof PlayRecordSchema>;

export const MAX_PLAYS_PER_BATCH = 500;

// ── player → server ─────────────────────────────────────────────
export const HelloSchema = z.object({
  type: z.literal('hello'),
  protocol: z.literal(PROTOCOL_VERSION),
  /** The identity the server gave earlier, if any; absent on a player's very first start. */
  screenId: IdSchema.optional(),
  /** A device token from pairing (later issue); without one the screen is provisional. */
  token: z.string().min(1).max(200).optional(),
  playerVersion: z.string().min(1).max(40),
  mode: z.enum(['screen', 'audio']).default('screen'),
  capabilities: z.array(z.string().min(1).max(40)).max(50),
  screen: ScreenSizeSchema,
  /** The manifest the player airs now, so an unchanged one is not resent. */
  manifestVersion: z.string().min(1).max(64).nullable(),
});

/** Media files of the current and next manifest in the player's offline cache (service worker). */
export const CacheStateSchema = z.object({
  items: z.number().int().nonnegative(),
  itemsTotal: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  bytesTotal: z.number().int().nonnegative(),
});

export const PlayerErrorSchema = z.object({
  at: IsoTimeSchema,
  /** item-failed: skipped (decode error, missing file); cache: a download or hash check failed; stall: watchdog. */
  kind: z.enum(['item-failed', 'cache', 'stall', 'storage', 'other']),
  itemId: IdSchema.optional(),
  message: z.string().max(500),
});
export const MAX_ERRORS_PER_HEARTBEAT = 20;

export const HeartbeatSchema = z.object({
  type: z.literal('heartbeat'),
  sentAt: IsoTimeSchema,
  airing: AiringSchema.nullable(),
  manifestVersion: z.string().min(1).max(64).nullable(),
  uptimeMs: z.number().int().nonnegative(),
  // Optional since protocol v1.1: what the console shows of a player's health.
  playerVersion: z.string().min(1).max(40).optional(),
  /** Timeline segment on air (its key) and its source kind. */
  segment: z.object({ key: z.string().max(200), source: z.string().max(40) }).nullable().optional(),
  cache: CacheStateSchema.nullable().optional(),
  /** navigator.storage.estimate(): bytes used and the origin's quota. */
  storage: z.object({ usage: z.number().nonnegative(), quota: z.number().nonnegative() }).nullable().optional(),
  /** The player's smoothed clock correction (server − local, ms) and the last round trip it was measured over. */
  clockOffsetMs: z.number().int().optional(),
  roundTripMs: z.number().int().nonnegative().optional(),
  /** Play records waiting for the server's acknowledgement. */
  pendingPlays: z.number().int().nonnegative().optional(),
  /** What went wrong since the previous heartbeat (at most MAX_ERRORS_PER_HEARTBEAT, the latest). */
  errors: z.array(PlayerErrorSchema).max(MAX_ERRORS_PER_HEARTBEAT).optional(),
});
export type CacheState = z.infer<typeof CacheStateSchema>;
export type PlayerError = z.infer<typeof PlayerErrorSchema>;

export const PlaysSchema = z.object({
  type: z.literal('plays'),
  records: z.array(PlayRecordSchema).min(1).max(MAX_PLAYS_PER_BATCH),
});

export const ManifestAppliedSchema = z.object({
  type: z.literal('manifest-applied'),
  version: z.string().min(1).max(64),
});

export const CommandAckSchema = z.object({
  type: z.literal('command-ack'),
  commandId: z.string().min(1).max(64),
});

export const PlayerMessageSchema = z.discriminatedUnion('type', [
  HelloSchema,
  HeartbeatSchema,
  PlaysSchema,
  ManifestAppliedSchema,
  CommandAckSchema,
]);
export type PlayerMessage = z.infer<typeof PlayerMessageSchema>;
export type Hello = z.infer<typeof HelloSchema>;
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

// ── server → player ─────────────────────────────────────────────
export const WelcomeSchema = z.object({
  type: z.literal('welcome'),
  screenId: IdSchema,
  screenName: z.string(),
  isProvisional: z.boolean(),
  serverTime: IsoTimeSchema,
  heartbeatIntervalMs: z.number().int().positive(),
  timeZone: z.string(),
});

export const ManifestMessageSchema = z.object({
  type: z.literal('manifest'),
  manifest: ManifestSchema,
});

export const PlaysAckSchema = z.object({
  type: z.literal('plays-ack'),
  /** Every id now durably stored, including ones the server already had. */
  ids: z.array(z.string().uuid()),
});

/** Answers each heartbeat, so a player notices a silently dead connection and reconnects. */
export const HeartbeatAckSchema = z.object({
  type: z.literal('heartbeat-ack'),
  serverTime: IsoTimeSchema,
  /** The heartbeat's sentAt, echoed so the player pairs the answer with its send time (clock offset). */
  echo: IsoTimeSchema.optional(),
});

export const CommandSchema = z.object({
  type: z.literal('command'),
  id: z.string().min(1).max(64),
  command: z.enum(['reload', 'identify']),
});

export const ErrorFrameSchema = z.object({
  type: z.literal('error'),
  /** Stable machine-readable code, e.g. invalid-json, invalid-message, hello-required. */
  reason: z.string(),
  message: z.string(),
});

export const ServerMessageSchema = z.discriminatedUnion('type', [
  WelcomeSchema,
  ManifestMessageSchema,
  PlaysAckSchema,
  HeartbeatAckSchema,
  CommandSchema,
  ErrorFrameSchema,
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
export type Command = z.infer<typeof CommandSchema>;
