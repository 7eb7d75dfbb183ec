// Who this screen is, and what it last aired: both persisted so a reload or power cut resumes
// as the same screen, airing the same loop, even before the server answers.
import { IdSchema } from '../playlists/catalogue.schema.js';
import { ManifestSchema, type Manifest } from '../playlists/manifest.schema.js';
import * as z from 'zod';
import { PENDING_PLAYS_KEY } from './play-records.js';
import { PairingCodeSchema, UnclaimedDisplaySchema } from './protocol.js';
import { readJson, writeJson, type KeyValueStorage } from './storage.js';

const SCREEN_ID_KEY = 'crier.screenId';
const MANIFEST_KEY = 'crier.manifest';
const TOKEN_KEY = 'crier.token';
const PAIRING_KEY = 'crier.pairing';

/** The device token belongs to one screen id: kept together, so a stray token is never sent for another. */
const SavedTokenSchema = z.object({ screenId: IdSchema, token: z.string().min(32).max(200) });

/** What the player last learnt about its pairing, so a reload offline shows the same thing. */
const PairingStateSchema = z.object({
  /** The code to show while unclaimed (or not authorised); null once claimed. */
  code: PairingCodeSchema.nullable(),
  display: UnclaimedDisplaySchema,
  /** Refused by the server (revoked, unknown token): airs nothing until claimed again. */
  isUnauthorised: z.boolean(),
});
export type PairingState = z.infer<typeof PairingStateSchema>;
export const INITIAL_PAIRING: PairingState = { code: null, display: 'campaign', isUnauthorised: false };

export function loadScreenId(storage: KeyValueStorage): string | undefined {
  const parsed = IdSchema.safeParse(storage.getItem(SCREEN_ID_KEY));
  return parsed.success ? parsed.data : undefined;
}

export function saveScreenId(storage: KeyValueStorage, screenId: string): void {
  try {
    storage.setItem(SCREEN_ID_KEY, screenId);
  } catch (error) {
    console.warn('crier: could not persist the screen id', error);
  }
}

/** The last manifest received, validated again: a stale or corrupt copy must not stop the player. */
export function loadSavedManifest(storage: KeyValueStorage): Manifest | null {
  const parsed = ManifestSchema.safeParse(readJson(storage, MANIFEST_KEY));
  return parsed.success ? parsed.data : null;
}

export function saveManifest(storage: KeyValueStorage, manifest: Manifest): void {
  writeJson(storage, MANIFEST_KEY, manifest);
}

/** The token is only returned for the screen id it was issued with. */
export function loadToken(storage: KeyValueStorage, screenId: string | undefined): string | undefined {
  const parsed = SavedTokenSchema.safeParse(readJson(storage, TOKEN_KEY));
  return parsed.success && parsed.data.screenId === screenId ? parsed.data.token : undefined;
}

/** Returns false when the token could not be persisted (it then lives until the page closes). */
export function saveToken(storage: KeyValueStorage, screenId: string, token: string): boolean {
  return writeJson(storage, TOKEN_KEY, { screenId, token });
}

export function loadPairingState(storage: KeyValueStorage): PairingState {
  const parsed = PairingStateSchema.safeParse(readJson(storage, PAIRING_KEY));
  return parsed.success ? parsed.data : INITIAL_PAIRING;
}

export function savePairingState(storage: KeyValueStorage, state: PairingState): void {
  writeJson(storage, PAIRING_KEY, state);
}

/**
 * After the server refused this player: its id, token, manifest and unacknowledged plays go. The
 * plays cannot be told apart from a revoked device's forgeries, and must not be sent under the
 * fresh unclaimed identity the player gets next.
 */
export function forgetIdentity(storage: KeyValueStorage): void {
  for (const key of [SCREEN_ID_KEY, TOKEN_KEY, MANIFEST_KEY, PENDING_PLAYS_KEY]) {
    try {
      storage.removeItem(key);
    } catch {
      // Memory-only storage or a broken profile: nothing persisted to forget.
    }
  }
}
