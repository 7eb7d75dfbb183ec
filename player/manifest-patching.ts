// A `manifest-patch` frame applied to the compact manifest the player holds (capability `manifest-patch`,
// docs/protocol.md). All or nothing: a patch for another base, one that does not fit, or a result that is
// not a valid manifest gives null, and the player keeps airing what it has and asks for the whole one.
import { applyManifestPatch, type Json, type ManifestPatch } from '../playlists/manifest-patch.js';
import { parseWireManifest, type Manifest } from '../playlists/manifest.schema.js';

/** The version a player airs, with the wire form it came in (the compact manifest): what the next patch applies to. */
export interface HeldManifest {
  version: string;
  wire: Json;
}

export type PatchOutcome = { ok: true; held: HeldManifest; manifest: Manifest } | { ok: false; reason: 'other-base' | 'does-not-fit' | 'invalid-result' };

export function applyPatchFrame(held: HeldManifest | null, frame: { base: string; patch: ManifestPatch }): PatchOutcome {
  if (!held || held.version !== frame.base) return { ok: false, reason: 'other-base' };
  let wire: Json;
  try {
    wire = applyManifestPatch(held.wire, frame.patch);
  } catch {
    return { ok: false, reason: 'does-not-fit' };
  }
  // Validated as a whole manifest is, and expanded the same way.
  const parsed = parseWireManifest(wire);
  return parsed.success ? { ok: true, held: { version: parsed.data.version, wire }, manifest: parsed.data } : { ok: false, reason: 'invalid-result' };
}
