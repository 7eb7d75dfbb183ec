// First start: an empty data directory gets the embedded default anti-fraud campaign, so a new
// install airs something useful on every screen at once (and never black).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { MediaItem, Playlist, Rendition } from '../playlists/catalogue.schema.js';
import { DEFAULT_CAMPAIGN_PLAYLIST } from '../playlists/default-campaign.js';
import { campaignMedia } from '../media/campaign/campaign.data.js';
import { previewsOf } from '../media/campaign/campaign-previews.js';
import type { CampaignAssetInfo } from '../media/campaign/campaign.types.js';
import type { MediaStore } from '../media/media.store.js';
import { sloganHash } from '../media/slogan-hash.js';
import type { Clock } from './clock.js';
import type { CatalogueStore } from './storage/catalogue.store.js';

const assetsDir = fileURLToPath(new URL('../media/campaign/assets/', import.meta.url));
const extensionOf = (file: string) => file.slice(file.lastIndexOf('.') + 1);

/** Copies a committed asset into the served store, checked against its recorded SHA-256. */
async function putAsset(mediaStore: MediaStore, info: CampaignAssetInfo) {
  const stored = await mediaStore.putCopy(`${assetsDir}${info.file}`, extensionOf(info.file));
  if (stored.hash !== info.sha256) throw new Error(`default campaign: ${info.file} does not match its recorded SHA-256`);
  return stored;
}

/** The poster, thumbnail or waveform of a seeded video or audio item, as renditions (campaign-previews.ts). */
async function previewRenditions(mediaStore: MediaStore, file: string, assets: CampaignAssetInfo[]): Promise<Rendition[]> {
  const out: Rendition[] = [];
  for (const { asset, role, mime } of previewsOf(file, assets)) {
    const stored = await putAsset(mediaStore, asset);
    out.push({ role, fileName: stored.fileName, mime, bytes: stored.bytes, ...(asset.width ? { width: asset.width, height: asset.height } : {}) });
  }
  return out;
}

/** A catalogue seeded before the previews existed gets them once; staff's own items are not touched. */
async function addMissingPreviews(catalogue: CatalogueStore, mediaStore: MediaStore, assets: CampaignAssetInfo[]): Promise<void> {
  const wanted = new Map<string, Rendition[]>();
  for (const spec of campaignMedia) {
    if (spec.kind !== 'video' && spec.kind !== 'audio') continue;
    const item = catalogue.read().media.find((m) => m.id === `media-${spec.key}` && m.file?.fileName === spec.file && !m.file.storedAs);
    if (!item || (item.renditions ?? []).length > 0 || previewsOf(spec.file, assets).length === 0) continue;
    wanted.set(item.id, await previewRenditions(mediaStore, spec.file, assets));
  }
  if (!wanted.size) return;
  await catalogue.update((draft) => {
    for (const m of draft.media) if (wanted.has(m.id) && !(m.renditions ?? []).length) m.renditions = wanted.get(m.id)!;
  });
}

/** Returns true when it seeded; a catalogue that already has content is left alone (but for the seeded items' previews). */
export async function seedDefaultCampaign(deps: { catalogue: CatalogueStore; mediaStore: MediaStore; clock: Clock }): Promise<boolean> {
  const { catalogue, mediaStore, clock } = deps;
  const current = catalogue.read();
  const assets: CampaignAssetInfo[] = JSON.parse(await readFile(`${assetsDir}assets.json`, 'utf8'));
  if (current.defaultPlaylistId !== null || current.media.length > 0) {
    await addMissingPreviews(catalogue, mediaStore, assets);
    return false;
  }
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
    const stored = await putAsset(mediaStore, info);
    const renditions = spec.kind === 'image' ? [] : await previewRenditions(mediaStore, spec.file, assets);
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
      ...(renditions.length ? { renditions } : {}),
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
  return catalogue.update((draft) => {
    // Another node on the same database may have seeded first: then there is nothing to add.
    if (draft.defaultPlaylistId !== null || draft.media.length > 0) return false;
    draft.media.push(...media);
    draft.playlists.push(playlist);
    draft.defaultPlaylistId = playlist.id;
    return true;
  });
}
