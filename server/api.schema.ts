// Response shapes of the HTTP API that are not catalogue records themselves.
import { z } from 'zod';
import { IdSchema, IsoTimeSchema, ScreenSchema } from '../playlists/catalogue.schema.js';
import { CacheStateSchema, PlayerErrorSchema, VolumeStateSchema } from '../player/protocol.js';
import { TerminalStatusCodeSchema } from './proof/terminal-status.js';

/** What the player's latest heartbeat reported about its health (null fields: an older player). */
export const PlayerHealthSchema = z.object({
  reportedAt: IsoTimeSchema,
  playerVersion: z.string().nullable(),
  manifestVersion: z.string().nullable(),
  segment: z.object({ key: z.string(), source: z.string() }).nullable(),
  uptimeMs: z.number().int().nonnegative(),
  cache: CacheStateSchema.nullable(),
  storage: z.object({ usage: z.number(), quota: z.number() }).nullable(),
  clockOffsetMs: z.number().int().nullable(),
  roundTripMs: z.number().int().nullable(),
  pendingPlays: z.number().int().nullable(),
  /** Reported with the latest heartbeat; `recentErrors` keeps the last 20 over time (since the server started). */
  errors: z.array(PlayerErrorSchema),
  recentErrors: z.array(PlayerErrorSchema),
});
export type PlayerHealth = z.infer<typeof PlayerHealthSchema>;

export const ScreenStatusSchema = z.object({
  isOnline: z.boolean(),
  /** Number of open player connections for this screen (a second tab counts). */
  connections: z.number().int().nonnegative(),
  lastHeartbeatAt: IsoTimeSchema.nullable(),
  connectedAt: IsoTimeSchema.nullable(),
  playerVersion: z.string().nullable(),
  mode: z.enum(['screen', 'audio']).nullable(),
  screenSize: z.object({ width: z.number(), height: z.number() }).nullable(),
  airing: z
    .object({ itemId: IdSchema, mediaId: IdSchema, title: z.string().nullable(), startedAt: IsoTimeSchema })
    .nullable(),
  sentManifestVersion: z.string().nullable(),
  appliedManifestVersion: z.string().nullable(),
  /** The latest heartbeat's report: cache, storage, uptime, errors; kept while the screen is offline. */
  health: PlayerHealthSchema.nullable().optional(),
  /** The volume the player last reported (heartbeat): level, why, and until when. */
  volume: VolumeStateSchema.nullable().optional(),
  // Stations (issue 12.4).
  /** The player's latest heartbeat said the browser blocks its sound (null: offline or an older player). */
  soundBlocked: z.boolean().nullable().optional(),
  /** The item on air airs because of an urgent alert. */
  isAlertAiring: z.boolean().nullable().optional(),
  /** Whether video airs with its sound here (the screen's setting, its site type's, or the default). */
  sound: z.boolean().optional(),
  /** The state as a GD/J emergency-broadcast terminal status code (server/proof/terminal-status.ts). */
  terminalStatus: z.object({ code: TerminalStatusCodeSchema, zh: z.string(), en: z.string() }).optional(),
});

export const ScreenWithStatusSchema = ScreenSchema.extend({ status: ScreenStatusSchema });
export type ScreenWithStatus = z.infer<typeof ScreenWithStatusSchema>;

export const PlaySchema = z.object({
  id: z.string(),
  screenId: z.string(),
  itemId: z.string(),
  mediaId: z.string(),
  hash: z.string(),
  manifestVersion: z.string(),
  startedAt: IsoTimeSchema,
  endedAt: IsoTimeSchema,
  completed: z.boolean(),
  receivedAt: IsoTimeSchema,
  isProvisional: z.boolean(),
  plannedStartedAt: IsoTimeSchema.nullable().optional(),
  outcome: z.string().nullable().optional(),
  clockOffsetMs: z.number().int().nullable().optional(),
});

export const PlayListSchema = z.object({
  /** Plays matching the filter (both kinds unless `unclaimed` says otherwise). */
  total: z.number().int().nonnegative(),
  /** The same, apart: plays of claimed screens, and plays made while a screen was unclaimed. */
  totals: z.object({ claimed: z.number().int().nonnegative(), unclaimed: z.number().int().nonnegative() }),
  records: z.array(PlaySchema),
});

/** A Crier node as its heartbeat key in Redis says (`node:<id>`, renewed every 5 s, gone 15 s after its last renewal). */
export const ClusterNodeSchema = z.object({
  id: z.string(),
  startedAt: IsoTimeSchema,
  /** Player sockets the node holds. */
  players: z.number().int().nonnegative(),
  /** When the node last renewed its key. */
  lastSeenAt: IsoTimeSchema,
});
export type ClusterNode = z.infer<typeof ClusterNodeSchema>;

export const HealthSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptimeSeconds: z.number(),
  screensOnline: z.number().int(),
  timeZone: z.string(),
  /** ffmpeg's and ffprobe's version lines; null when missing, and then video and audio uploads fail. */
  mediaTools: z.object({ ffmpeg: z.string().nullable(), ffprobe: z.string().nullable() }),
  /** Room left on the data dir's disk; `isFull`: changes answer 507 disk-full until space returns. Null if it cannot be read. */
  disk: z.object({ freeBytes: z.number(), totalBytes: z.number(), isFull: z.boolean() }).nullable(),
  /** Several nodes (CRIER_REDIS_URL): this node's id and every node alive, this one first; null for a single process. */
  cluster: z.object({ nodeId: z.string(), nodes: z.array(ClusterNodeSchema) }).nullable(),
  /** The audit trail's writes: entries waiting for the store (kept in order, retried until written; the error is in the log), since when writes fail, failed writes since start. */
  audit: z.object({ pending: z.number().int(), failingSince: IsoTimeSchema.nullable(), failures: z.number().int() }),
});
