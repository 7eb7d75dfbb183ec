// Pushes each connected player the manifest it should air, and only when its version changed.
import type { FastifyBaseLogger } from 'fastify';
import { buildManifest } from '../../playlists/build-manifest.js';
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

  const manifestFor = (screenId: string): Manifest | null => buildManifest(catalogue.read(), { id: screenId }, clock.now(), { timeZone });

  /** Sends the manifest if the session does not have it yet; returns whether it sent. */
  function offer(session: PlayerSession, manifest: Manifest | null): boolean {
    if (!manifest || manifest.version === session.sentManifestVersion) return false;
    session.sentManifestVersion = manifest.version;
    session.send({ type: 'manifest', manifest });
    return true;
  }

  function publishNow(): number {
    isScheduled = false;
    const perScreen = new Map<string, Manifest | null>();
    let sent = 0;
    for (const session of presence.allSessions()) {
      if (!perScreen.has(session.screenId)) perScreen.set(session.screenId, manifestFor(session.screenId));
      if (offer(session, perScreen.get(session.screenId)!)) sent++;
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
