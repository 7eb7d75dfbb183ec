// A text slogan's content identity: the SHA-256 of its canonical JSON, so equal words get equal hashes.
import { createHash } from 'node:crypto';
import type { Slogan } from '../playlists/catalogue.schema.js';

export function sloganHash(slogan: Slogan): string {
  // A ticker is other content than the same words as a slide; slides keep their original hash.
  const parts = [slogan.headline, slogan.subline ?? '', slogan.theme, ...(slogan.variant === 'ticker' ? ['ticker'] : [])];
  const canonical = JSON.stringify(parts);
  return createHash('sha256').update(canonical).digest('hex');
}
