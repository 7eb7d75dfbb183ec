// Player protocol v1: every WebSocket message between a player and the server, in one typed map.
// Both sides validate every frame with these schemas (docs/protocol.md explains the exchange).
import * as z from 'zod';
import { IdSchema, IsoTimeSchema } from '../playlists/catalogue.schema.js';
import { WireManifestSchema } from '../playlists/manifest.schema.js';
import { ManifestPatchSchema } from '../playlists/manifest-patch.js';

export const PROTOCOL_VERSION = 1;
/**
 * Said in hello's capabilities by players that take a manifest without `screenId` (they know their id
 * from welcome): the server then sends one screen the same bytes as every screen with the same rules.
 */
export const CAPABILITY_SHARED_MANIFEST = 'shared-manifest';
/**
 * Said by players that read the compact manifest (playlists/manifest.schema.ts, CompactManifestSchema):
 * each item once, loops as indexes. Players that do not say it get the full form, as before.
 */
export const CAPABILITY_COMPACT_MANIFEST = 'compact-manifest';
/**
 * Said (with the two above) by players that apply `manifest-patch` frames to the compact manifest they hold,
 * and ask with `manifest-wanted` when they cannot. Players that do not say it get whole manifests, as before.
 */
export const CAPABILITY_MANIFEST_PATCH = 'manifest-patch';
/** WebSocket close code for repeated protocol violations (4000–4999 is the application range). */
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_PROTOCOL_VERSION = 4001;
/** The screen is not (or no longer) authorised: revoked or unknown device token, or a claimed id without its token. */
export const CLOSE_UNAUTHORISED = 4003;
/** Standard "try again later": too many new screens from one address, or too many unclaimed screens. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** Pairing codes avoid 0/O, 1/I/L: they are read off a screen and typed in, or read aloud on the phone. */
export const PAIRING_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_LENGTH = 6;
export const PairingCodeSchema = z.string().regex(new RegExp(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`), 'pairing code: 6 characters, no 0/O/1/I/L');
/** What an unclaimed player shows: the default campaign with its code in a corner, or only the code. */
export const UnclaimedDisplaySchema = z.enum(['campaign', 'code-only']);
export type UnclaimedDisplay = z.infer<typeof UnclaimedDisplaySchema>;

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
  /** The device token from pairing (`paired`); without one the screen is unclaimed (or a legacy one). */
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
  volume: VolumeStateSchema.optional(),
  // Stations (issue 12.4).
  /** The browser's autoplay policy refused sound (no kiosk flag, no tap yet): the console shows it in red. */
  soundBlocked: z.boolean().optional(),
});
export type CacheState = z.infer<typeof CacheStateSchema>;
export type PlayerError = z.infer<typeof PlayerErrorSchema>;

/** Names a plays batch so its ack can name it back (since protocol v1.4; docs/protocol.md, Limits). */
export const PlaysBatchSchema = z.number().int().nonnegative().max(2 ** 31);

export const PlaysSchema = z.object({
  type: z.literal('plays'),
  records: z.array(PlayRecordSchema).min(1).max(MAX_PLAYS_PER_BATCH),
  // Since protocol v1.4: older servers ignore it (unknown keys are dropped), older players leave it out.
  /** The player's number for this batch, echoed in its `plays-ack`: with several in flight it knows which one was refused. */
  batch: PlaysBatchSchema.optional(),
});

export const ManifestAppliedSchema = z.object({
  type: z.literal('manifest-applied'),
  version: z.string().min(1).max(64),
});

/** The player cannot use a `manifest-patch` (it holds another version, or the result is not a valid manifest): send the whole one. */
export const ManifestWantedSchema = z.object({
  type: z.literal('manifest-wanted'),
  /** The version it holds and keeps airing, if any. */
  version: z.string().min(1).max(64).nullable(),
});

export const CommandAckSchema = z.object({
  type: z.literal('command-ack'),
  commandId: z.string().min(1).max(64),
});

/** The player stored the token of a `paired` message: the server may forget its copy. */
export const PairedAckSchema = z.object({
  type: z.literal('paired-ack'),
  screenId: IdSchema,
});

/** An item went on air (issue 12.4): light, sent at each item start so consoles see "now airing" at once. */
export const AiringFrameSchema = z.object({
  type: z.literal('airing'),
  itemId: IdSchema,
  mediaId: IdSchema,
  startedAt: IsoTimeSchema,
  /** It airs because of an urgent alert: consoles show it as one. */
  isAlert: z.boolean(),
});
export type AiringFrame = z.infer<typeof AiringFrameSchema>;

export const PlayerMessageSchema = z.discriminatedUnion('type', [
  HelloSchema,
  HeartbeatSchema,
  PlaysSchema,
  ManifestAppliedSchema,
  ManifestWantedSchema,
  CommandAckSchema,
  PairedAckSchema,
  AiringFrameSchema,
]);
export type PlayerMessage = z.infer<typeof PlayerMessageSchema>;
export type Hello = z.infer<typeof HelloSchema>;
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

// ── server → player ─────────────────────────────────────────────
/** The longest a server asks a player to wait before it answers `manifest-applied`. */
export const MAX_APPLIED_SPREAD_MS = 10_000;

export const WelcomeSchema = z.object({
  type: z.literal('welcome'),
  screenId: IdSchema,
  screenName: z.string(),
  isProvisional: z.boolean(),
  serverTime: IsoTimeSchema,
  heartbeatIntervalMs: z.number().int().positive(),
  timeZone: z.string(),
  /** Present while the screen is unclaimed: staff type it into the console to claim the screen. */
  pairingCode: PairingCodeSchema.optional(),
  /** How an unclaimed screen airs (server setting CRIER_UNCLAIMED_DISPLAY); sent with pairingCode. */
  unclaimedDisplay: UnclaimedDisplaySchema.optional(),
  // Since protocol v1.5: older players answer at once all the same.
  /** Answer `manifest-applied` after a random wait of 0 … this many ms (absent: at once): a large fleet's answers spread out. */
  appliedSpreadMs: z.number().int().min(0).max(MAX_APPLIED_SPREAD_MS).optional(),
});

/** Staff claimed this screen: keep the token (with the screen id) and send it in every hello. */
export const PairedSchema = z.object({
  type: z.literal('paired'),
  screenId: IdSchema,
  screenName: z.string(),
  /** Random, base64url; the server keeps only its SHA-256. */
  token: z.string().min(32).max(200),
});

/** Sent before closing with CLOSE_UNAUTHORISED: forget the token and stop airing until claimed again. */
export const UnauthorisedSchema = z.object({
  type: z.literal('unauthorised'),
  /** revoked | unknown-token | token-required */
  reason: z.string(),
  message: z.string(),
});

export const ManifestMessageSchema = z.object({
  type: z.literal('manifest'),
  /** The full form, or the compact one for players that said CAPABILITY_COMPACT_MANIFEST (expanded on parsing). */
  manifest: WireManifestSchema,
});

/**
 * What changed from the compact manifest the player holds (capability `manifest-patch`, docs/protocol.md):
 * applied to the frame of version `base` it gives the new manifest, version and all. A player that holds
 * another version, or whose result fails the manifest schema, keeps what it airs and sends `manifest-wanted`.
 */
export const ManifestPatchMessageSchema = z.object({
  type: z.literal('manifest-patch'),
  base: z.string().min(1).max(64),
  patch: ManifestPatchSchema,
});

/** A play record the server will never store: dated in the future or before the screen existed, or an unclaimed screen's quota is full. */
export const PlayRefusalSchema = z.object({
  id: z.string().uuid(),
  reason: z.enum(['from-the-future', 'before-screen-existed', 'unclaimed-limit']),
});
export type PlayRefusal = z.infer<typeof PlayRefusalSchema>;

export const PlaysAckSchema = z.object({
  type: z.literal('plays-ack'),
  /** Every id the player may forget: durably stored (including ones the server already had), or refused for good. */
  ids: z.array(z.string().uuid()),
  // Since protocol v1.2 (docs/protocol.md, Limits): older players forget refused ids all the same.
  /** Ids of `ids` that were refused, not stored, and why: they would be refused again if resent. */
  refused: z.array(PlayRefusalSchema).optional(),
  /** Some records of the batch came faster than a player can air: they are in neither list; resend them after this long. */
  retryAfterMs: z.number().int().positive().optional(),
  // Since protocol v1.3 (docs/protocol.md, Limits): older players resend after their own timeout all the same.
  /** The server is behind: nothing of the batch was taken (`ids` is empty); resend it after `retryAfterMs`. */
  busy: z.literal(true).optional(),
  // Since protocol v1.4: the `batch` of the plays frame this answers, when it carried one.
  batch: PlaysBatchSchema.optional(),
});

/** Answers each heartbeat, so a player notices a silently dead connection and reconnects. */
export const HeartbeatAckSchema = z.object({
  type: z.literal('heartbeat-ack'),
  serverTime: IsoTimeSchema,
  /** The heartbeat's sentAt, echoed so the player pairs the answer with its send time (clock offset). */
  echo: IsoTimeSchema.optional(),
  // Since protocol v1.5: a new `appliedSpreadMs` (as in `welcome`) when the fleet grew or shrank since it was told.
  appliedSpreadMs: z.number().int().min(0).max(MAX_APPLIED_SPREAD_MS).optional(),
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
  ManifestPatchMessageSchema,
  PlaysAckSchema,
  HeartbeatAckSchema,
  CommandSchema,
  ErrorFrameSchema,
  PairedSchema,
  UnauthorisedSchema,
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
export type Command = z.infer<typeof CommandSchema>;
