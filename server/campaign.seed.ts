// First start: an empty data directory gets the embedded default anti-fraud campaign, so a new
// install airs something useful on every screen at once (and never black).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { MediaItem, Playlist } from '../playlists/catalogue.schema.js';
import { DEFAULT_CAMPAIGN_PLAYLIST } from '../playlists/default-campaign.js';
import { campaignMedia } from '../media/campaign/campaign.data.js';
import type { CampaignAssetInfo } from '../media/campaign/campaign.types.js';
import type { MediaStore } from '../media/media.store.js';
import { sloganHash } from '../media/slogan-hash.js';
import type { Clock } from './clock.js';
import type { CatalogueStore } from './storage/catalogue.store.js';

const assetsDir = fileURLToPath(new URL('../media/campaign/assets/', import.meta.url));
const extensionOf = (file: string) => file.slice(file.lastIndexOf('.') + 1);

/** Returns true when it seeded; a catalogue that already has content is left alone. */
export async function seedDefaultCampaign(deps: { catalogue: CatalogueStore; mediaStore: MediaStore; clock: Clock }): Promise<boolean> {
  const { catalogue, mediaStore, clock } = deps;
  const current = catalogue.read();
  if (current.defaultPlaylistId !== null || current.media.length > 0) return false;

  const assets: CampaignAssetInfo[] = JSON.parse(await readFile(`${assetsDir}assets.json`, 'utf8'));
  const assetByFile = new Map(assets.map((a) => [a.file, a]));
  const now = clock.now().toISOString();
  const media: MediaItem[] = [];
  for (const spec of campaignMedia) {
    const base = { id: `media-${spec.key}`, kind: spec.kind, title: spec.title, tags: spec.tags, createdAt: now };
    if (spec.kind === 'text') {
      media.push({ ...base, hash: sloganHash(spec.slogan), slogan: spec.slogan });
      continue;
    }
    const info = assetByFile.get(spec.file);
    if (!info) throw new Error(`default campaign: ${spec.file} is missing from assets.json (run npm run campaign:media)`);
    const stored = await mediaStore.putCopy(`${assetsDir}${spec.file}`, extensionOf(spec.file));
    if (stored.hash !== info.sha256) throw new Error(`default campaign: ${spec.file} does not match its recorded SHA-256`);
    media.push({
      ...base,
      hash: stored.hash,
      file: {
        fileName: spec.file,
        mime: spec.mime,
        bytes: stored.bytes,
        ...(info.width ? { width: info.width } : {}),
        ...(info.height ? { height: info.height } : {}),
        ...(info.durationMs ? { durationMs: info.durationMs } : {}),
      },
    });
  }
  const unknown = DEFAULT_CAMPAIGN_PLAYLIST.items.filter((item) => !campaignMedia.some((m) => m.key === item.key));
  if (unknown.length) throw new Error(`default campaign playlist names unknown media: ${unknown.map((i) => i.key).join(', ')}`);
  const playlist: Playlist = {
    id: DEFAULT_CAMPAIGN_PLAYLIST.id,
    name: DEFAULT_CAMPAIGN_PLAYLIST.name,
    description: DEFAULT_CAMPAIGN_PLAYLIST.description,
    items: DEFAULT_CAMPAIGN_PLAYLIST.items.map((item, index) => ({
      id: `default-${String(index + 1).padStart(2, '0')}`,
      mediaId: `media-${item.key}`,
      ...('durationMs' in item ? { durationMs: item.durationMs } : {}),
    })),
    createdAt: now,
    updatedAt: now,
  };
  await catalogue.update((draft) => {
    draft.media.push(...media);
    draft.playlists.push(playlist);
    draft.defaultPlaylistId = playlist.id;
  });
  return true;
}
