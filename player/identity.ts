// Who this screen is, and what it last aired: both persisted so a reload or power cut resumes
// as the same screen, airing the same loop, even before the server answers.
import { IdSchema } from '../playlists/catalogue.schema.js';
import { ManifestSchema, type Manifest } from '../playlists/manifest.schema.js';
import { readJson, writeJson, type KeyValueStorage } from './storage.js';

const SCREEN_ID_KEY = 'crier.screenId';
const MANIFEST_KEY = 'crier.manifest';

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
