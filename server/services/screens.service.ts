// Screens: their live status, staff edits, commands. Who may speak for a screen is pairing's job (server/pairing/).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { mediaById, screenById } from '../../playlists/catalogue.index.js';
import { IdSchema, ScreenSchema, type Screen, type ScreenMode } from '../../playlists/catalogue.schema.js';
import { soundOf } from '../../playlists/sound.js';
import { freeTextPlaceFields, refuseFreeTextPlace } from '../register/register.api.js';
import { isValidTimeZone } from '../../playlists/wall-clock.js';
import type { CommandRequest, Heartbeat, PlayerError } from '../../player/protocol.js';
import type { PlayerHealth, ScreenWithStatus } from '../api.schema.js';
import type { Clock } from '../clock.js';
import { AppError, notFound } from '../errors.js';
import type { Presence } from '../gateway/presence.js';
import { RECOVERED_FOR_MS, terminalStatusOf } from '../proof/terminal-status.js';
import type { AiringLog } from '../storage/airing.store.js';
import { draftItem } from '../storage/catalogue.draft.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';
import { createModeWriter } from './screen-modes.js';

/** What staff may set on a screen: its name, groups, time zone and its site in the register (null: no site), and its video sound. */
export const ScreenPatchSchema = ScreenSchema.pick({ name: true, groups: true, timeZone: true })
  .extend({
    siteId: IdSchema.nullable().describe('a site of the register; the screen\'s township, site and site type follow it'),
    ...freeTextPlaceFields,
    sound: z.enum(['on', 'off', 'auto']).describe('video sound here; auto: its site type\'s setting, else on for stations, off for screens'),
  })
  .partial()
  .superRefine(refuseFreeTextPlace);
export type ScreenPatch = z.infer<typeof ScreenPatchSchema>;

export type ScreensService = Awaited<ReturnType<typeof createScreensService>>;

export async function createScreensService(deps: {
  catalogue: CatalogueStore;
  presence: Presence;
  airingLog: AiringLog;
  clock: Clock;
  offlineAfterMs: number;
  /** Called after staff change a screen (its rules and manifest may change). */
  onChange?: () => void;
}) {
  const { catalogue, presence, airingLog, clock, offlineAfterMs } = deps;
  // Heartbeat times survive a restart through the airing log; after that, memory is enough.
  const lastHeartbeatAt = await airingLog.lastHeartbeats();
  // The latest health report per screen (live status), seeded from the airing log after a restart.
  const health = new Map<string, PlayerHealth>();
  for (const [screenId, stored] of await airingLog.latestHeartbeats()) health.set(screenId, healthOf(stored.heartbeat, stored.receivedAt, []));

  const find = (id: string) => screenById(catalogue.read(), id);
  const modes = createModeWriter({ catalogue, onChange: () => deps.onChange?.() });

  function statusOf(screen: Screen): ScreenWithStatus['status'] {
    const session = presence.latestOf(screen.id);
    const heard = session?.lastHeartbeatAt ?? session?.connectedAt ?? null;
    const isOnline = !!heard && clock.now().getTime() - heard.getTime() <= offlineAfterMs;
    const media = session?.airing ? mediaById(catalogue.read(), session.airing.mediaId) : undefined;
    return {
      isOnline,
      connections: presence.countOf(screen.id),
      lastHeartbeatAt: lastHeartbeatAt.get(screen.id) ?? null,
      connectedAt: session?.connectedAt.toISOString() ?? null,
      playerVersion: session?.playerVersion ?? null,
      mode: session?.mode ?? null,
      screenSize: session?.screenSize ?? null,
      airing: session?.airing ? { ...session.airing, title: media?.title ?? null } : null,
      volume: session?.volume ?? null,
      soundBlocked: session ? (session.soundBlocked ?? false) : null,
      isAlertAiring: session?.airing ? (session.isAlertAiring ?? false) : null,
      sound: soundOf(catalogue.read(), screen),
      sentManifestVersion: session?.sentManifestVersion ?? null,
      appliedManifestVersion: session?.appliedManifestVersion ?? null,
      health: health.get(screen.id) ?? null,
      terminalStatus: terminalStatusOf({
        isOnline,
        isAiring: !!session?.airing,
        hasFault: hasFault(health.get(screen.id)),
        connectedAt: session?.connectedAt.getTime() ?? null,
        wasSeenBefore: session ? Date.parse(screen.createdAt) < session.connectedAt.getTime() - RECOVERED_FOR_MS : false,
        now: clock.now().getTime(),
      }),
    };
  }

  return {
    /** Sets groups, township, site type, zone or name; the screen's manifest follows within a second. */
    async update(id: string, patch: ScreenPatch): Promise<ScreenWithStatus> {
      if (patch.timeZone !== undefined && !isValidTimeZone(patch.timeZone)) {
        throw new AppError(422, 'unknown-time-zone', `未知时区 / unknown IANA time zone: ${patch.timeZone}`);
      }
      await catalogue.update((draft) => {
        const screen = draftItem(draft.screens, id);
        if (!screen) throw notFound('屏幕 screen', id);
        const { siteId, name, groups, timeZone, sound } = patch;
        Object.assign(screen, Object.fromEntries(Object.entries({ name, groups, timeZone }).filter(([, v]) => v !== undefined)));
        if (siteId === null) delete screen.siteId;
        else if (siteId !== undefined) {
          if (!draftItem(draft.sites, siteId)) throw new AppError(422, 'unknown-site', `点位不存在 / no such site in the register: ${siteId}`);
          screen.siteId = siteId;
        }
        if (sound === 'auto') delete screen.sound;
        else if (sound) screen.sound = sound;
      });
      deps.onChange?.();
      return this.get(id);
    },
    /** The mode a player said hello with (a station or a screen); written only when it changed, with the others of its second. */
    noteMode: (id: string, mode: ScreenMode) => modes.note(id, mode),
    noteHeartbeat(screenId: string, at: Date, heartbeat?: Heartbeat): void {
      lastHeartbeatAt.set(screenId, at.toISOString());
      if (heartbeat) health.set(screenId, healthOf(heartbeat, at.toISOString(), health.get(screenId)?.recentErrors ?? []));
    },
    /** A heartbeat another node received (cluster): kept like this node's own, unless this node heard the screen later. */
    noteRemote(screenId: string, at: string, reported: PlayerHealth | null): void {
      const known = lastHeartbeatAt.get(screenId);
      if (known && Date.parse(known) >= Date.parse(at)) return;
      lastHeartbeatAt.set(screenId, at);
      if (reported) health.set(screenId, reported);
    },
    /** The latest health report of the screen this node knows. */
    healthOf: (screenId: string): PlayerHealth | undefined => health.get(screenId),
    list(): ScreenWithStatus[] {
      return catalogue.read().screens.map((s) => ({ ...s, status: statusOf(s) }));
    },
    /** The catalogue's record of the screen, without its live status (the plays path needs only this). */
    find,
    get(id: string): ScreenWithStatus {
      const screen = find(id);
      if (!screen) throw notFound('屏幕 screen', id);
      return { ...screen, status: statusOf(screen) };
    },
    /** Returns how many open connections of the screen received the command. */
    sendCommand(id: string, request: CommandRequest): { commandId: string; delivered: number } {
      if (!find(id)) throw notFound('屏幕 screen', id);
      const commandId = randomUUID();
      return { commandId, delivered: presence.sendToScreen(id, { type: 'command', id: commandId, ...request }) };
    },
  };
}

/** Keeps the last 20 errors across heartbeats, so a console opened later still sees what went wrong. */
const RECENT_ERRORS = 20;

const hasFault = (h: PlayerHealth | undefined) => !!h && (h.errors.length > 0 || (!!h.cache && h.cache.items < h.cache.itemsTotal));

function healthOf(h: Heartbeat, reportedAt: string, recent: PlayerError[]): PlayerHealth {
  const errors = h.errors ?? [];
  return {
    reportedAt,
    playerVersion: h.playerVersion ?? null,
    manifestVersion: h.manifestVersion,
    segment: h.segment ?? null,
    uptimeMs: h.uptimeMs,
    cache: h.cache ?? null,
    storage: h.storage ?? null,
    clockOffsetMs: h.clockOffsetMs ?? null,
    roundTripMs: h.roundTripMs ?? null,
    pendingPlays: h.pendingPlays ?? null,
    errors,
    recentErrors: [...recent, ...errors].slice(-RECENT_ERRORS),
  };
}
