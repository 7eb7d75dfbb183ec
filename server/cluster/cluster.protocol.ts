// Every message one node sends the others over Redis pub/sub, in one zod map (like player/protocol.ts):
// validated when received, so a node of another version or a stray publisher cannot confuse this one.
import { z } from 'zod';
import { ConsoleEventSchema } from '../console/console.protocol.js';
import { ServerMessageSchema } from '../../player/protocol.js';
import { PlayerHealthSchema } from '../api.schema.js';
export { ClusterNodeSchema, type ClusterNode } from '../api.schema.js';

/** What another node needs to show a player it does not hold: its session without the socket. */
export const RemoteSessionSchema = z.object({
  sessionId: z.number().int(),
  screenId: z.string(),
  connectedAt: z.string(),
  playerVersion: z.string(),
  mode: z.enum(['screen', 'audio']),
  screenSize: z.object({ width: z.number(), height: z.number() }),
  display: z.object({ width: z.number(), height: z.number() }),
  lastHeartbeatAt: z.string().nullable(),
  airing: z.unknown(),
  volume: z.unknown().optional(),
  soundBlocked: z.boolean().optional(),
  isAlertAiring: z.boolean().optional(),
  sentManifestVersion: z.string().nullable(),
  appliedManifestVersion: z.string().nullable(),
  acceptsSharedManifest: z.boolean(),
  /** The screen's latest health report as the node holding the socket keeps it (cache, errors, uptime). */
  health: PlayerHealthSchema.nullable().optional(),
});
export type RemoteSession = z.infer<typeof RemoteSessionSchema>;

export const ClusterMessageSchema = z.discriminatedUnion('type', [
  /** A catalogue commit on `node`: the others sync and republish to their own players. */
  z.object({ type: z.literal('catalogue'), version: z.number().nullable(), screenIds: z.array(z.string()).nullable() }),
  /** A console event to forward to every node's consoles. */
  z.object({ type: z.literal('console'), event: ConsoleEventSchema }),
  /** A message for a screen's players, wherever their sockets are. */
  z.object({ type: z.literal('to-screen'), screenId: z.string(), message: ServerMessageSchema }),
  /** Close a screen's player sockets (revoked), wherever they are. */
  z.object({ type: z.literal('close-screen'), screenId: z.string(), code: z.number().int(), reason: z.string() }),
  /** A media item was put in the waiting set (`media:waiting`): a node with a free runner takes it. */
  z.object({ type: z.literal('media-waiting') }),
  /** Sessions of the sender that changed (upsert by screen) or left: other nodes' view of presence. */
  /** `reset`: the sender (re)started, so whatever it told before is void. */
  z.object({ type: z.literal('presence'), upsert: z.record(z.string(), z.array(RemoteSessionSchema)), gone: z.array(z.string()), reset: z.boolean().optional() }),
]);
export type ClusterMessage = z.infer<typeof ClusterMessageSchema>;

/** On the wire: the message and the node that sent it (a node ignores its own). */
export const ClusterEnvelopeSchema = z.object({ from: z.string(), message: ClusterMessageSchema });
