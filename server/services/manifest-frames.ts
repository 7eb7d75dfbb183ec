// A manifest's frames as players receive them, made by the same code on the main thread and in the build
// worker (manifest.build-worker.ts), so the bytes a player gets do not depend on where its build ran.
import type { Manifest } from '../../playlists/manifest.schema.js';
import { compactManifestFramePieces, sharedManifestJson } from '../../playlists/timeline-manifest.js';
import { bytesOf } from './frame-bytes.js';

export const FRAME_OPEN = '{"type":"manifest","manifest":';
/** A manifest frame around a manifest's JSON. */
export const manifestFrame = (json: string): Buffer => Buffer.from(`${FRAME_OPEN}${json}}`);

/**
 * The compact frame, written from the build's pieces into memory from `alloc`; `isCompact` false when the
 * manifest was not built by this thread's builds (no pieces to write from): then the full form, whose JSON
 * `fullJson` gives.
 */
export function compactManifestFrame(
  manifest: Manifest,
  fullJson: () => string = () => sharedManifestJson(manifest),
  alloc?: (length: number) => Buffer,
): { bytes: Buffer; isCompact: boolean } {
  const pieces = compactManifestFramePieces(manifest);
  return pieces ? { bytes: bytesOf([FRAME_OPEN, ...pieces, '}'], alloc), isCompact: true } : { bytes: manifestFrame(fullJson()), isCompact: false };
}

/** The manifest's JSON a frame carries (FRAME_OPEN is ASCII: as many bytes as characters). */
export const jsonOfFrame = (frame: Uint8Array): string =>
  Buffer.from(frame.buffer, frame.byteOffset + FRAME_OPEN.length, frame.length - FRAME_OPEN.length - 1).toString('utf8');
