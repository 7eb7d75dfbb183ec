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

/** The volume a player airs at, and why: its schedule (levels, default, none), quiet hours, or a volume command. */
export const VolumeStateSchema = z.object({
  volume: z.number().int().min(0).max(100),
  source: z.enum(['schedule', 'quiet', 'command']),
  /** When it next changes by itself (the next volume boundary); null when nothing is scheduled. */
  until: IsoTimeSchema.nullable(),
});
export type VolumeState = z.infer<typeof VolumeStateSchema>;

export const HeartbeatSchema = z.object({
  type: z.literal('heartbeat'),
  sentAt: IsoTimeSchema,
  airing: AiringSchema.nullable(),
  manifestVersion: z.string().min(1).max(64).nullable(),
  uptimeMs: z.number().int().nonnegative(),
  volume: VolumeStateSchema.optional(),
});

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
});

export const CommandSchema = z.object({
  type: z.literal('command'),
  id: z.string().min(1).max(64),
  command: z.enum(['reload', 'identify', 'volume']),
  /** For `volume`: 0–100, in force until the next boundary of the volume schedule (quiet hours still win). */
  volume: z.number().int().min(0).max(100).optional(),
});

/** What staff send to POST /api/v1/screens/:id/commands. */
export const CommandRequestSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('reload') }),
  z.object({ command: z.literal('identify') }),
  z.object({ command: z.literal('volume'), volume: z.number().int().min(0).max(100) }),
]);
export type CommandRequest = z.infer<typeof CommandRequestSchema>;

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
