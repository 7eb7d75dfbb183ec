// Pushes each connected player the manifest it should air, and only when its version changed.
import type { FastifyBaseLogger } from 'fastify';
import { buildManifest } from '../../playlists/build-manifest.js';
import type { Display } from '../../playlists/build-manifest.js';
import type { ScreenMode } from '../../playlists/catalogue.schema.js';
import type { Manifest } from '../../playlists/manifest.schema.js';
import type { Clock } from '../clock.js';
import type { Presence, PlayerSession } from '../gateway/presence.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';

export type ManifestPublisher = ReturnType<typeof createManifestPublisher>;

export function createManifestPublisher(deps: {
  catalogue: CatalogueStore;
  presence: Presence;
  clock: Clock;
  log: FastifyBaseLogger;
  /** The zone of screens that have none of their own. */
  timeZone: string;
}) {
  const { catalogue, presence, clock, log, timeZone } = deps;
  let isScheduled = false;

  /** Without a display (preview of an offline screen) stills are chosen for 1920×1080; the mode defaults to the screen's last one. */
  const manifestFor = (screenId: string, display?: Display, mode?: ScreenMode): Manifest | null =>
    buildManifest(catalogue.read(), { id: screenId, ...(display ? { display } : {}), ...(mode ? { mode } : {}) }, clock.now(), { timeZone });

  /** Sends the manifest if the session does not have it yet; returns whether it sent. */
  function offer(session: PlayerSession, manifest: Manifest | null): boolean {
    if (!manifest || manifest.version === session.sentManifestVersion) return false;
    session.sentManifestVersion = manifest.version;
    session.send({ type: 'manifest', manifest });
    return true;
  }

  function publishNow(): number {
    isScheduled = false;
    const built = new Map<string, Manifest | null>();
    let sent = 0;
    for (const session of presence.allSessions()) {
      const key = `${session.screenId}|${session.display.width}x${session.display.height}|${session.mode}`;
      if (!built.has(key)) built.set(key, manifestFor(session.screenId, session.display, session.mode));
      if (offer(session, built.get(key)!)) sent++;
    }
    if (sent) log.info({ sent }, 'manifests pushed');
    return sent;
  }

  return {
    manifestFor,
    offer,
    publishNow,
    /** Call after any catalogue change; several changes in one tick cause one pass. */
    catalogueChanged(): void {
      if (isScheduled) return;
      isScheduled = true;
      setImmediate(publishNow);
    },
  };
}
