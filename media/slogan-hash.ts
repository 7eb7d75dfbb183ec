// A text slogan's content identity: the SHA-256 of its canonical JSON, so equal words get equal hashes.
import { createHash } from 'node:crypto';
import type { Slogan } from '../playlists/catalogue.schema.js';

export function sloganHash(slogan: Slogan): string {
  const canonical = JSON.stringify([slogan.headline, slogan.subline ?? '', slogan.theme]);
  return createHash('sha256').update(canonical).digest('hex');
}
