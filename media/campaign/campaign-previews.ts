// Previews of the campaign's own video and audio (poster, thumbnail, waveform), made by the
// generator with the same function uploads use and committed beside them as
// `<file>.<role>.<ext>`: the seed copies them in, so a fresh install's library shows them at once
// without running ffmpeg at start.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RenditionRole } from '../../playlists/catalogue.schema.js';
import { makePreviewRenditions } from '../av.renditions.js';
import { probe } from '../ffmpeg.run.js';
import type { CampaignAssetInfo } from './campaign.types.js';

const MIME = { jpg: 'image/jpeg', png: 'image/png' } as const;

/** Writes the previews of each video/audio asset into assetsDir; returns their file names. */
export async function renderCampaignPreviews(assetsDir: string, files: string[]): Promise<string[]> {
  const made: string[] = [];
  for (const file of files) {
    const work = await mkdtemp(path.join(os.tmpdir(), 'crier-previews-'));
    try {
      const input = path.join(assetsDir, file);
      for (const r of await makePreviewRenditions(input, await probe(input), 1080, { workDir: work })) {
        const name = `${file}.${r.role}.${r.ext}`;
        await copyFile(r.file, path.join(assetsDir, name));
        made.push(name);
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  return made;
}

/** The committed previews of one campaign file, from assets.json. */
export function previewsOf(file: string, assets: CampaignAssetInfo[]): { asset: CampaignAssetInfo; role: RenditionRole; mime: string }[] {
  return assets.flatMap((asset) => {
    const m = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(poster|thumbnail|waveform)\\.(jpg|png)$`).exec(asset.file);
    return m ? [{ asset, role: m[1] as RenditionRole, mime: MIME[m[2] as keyof typeof MIME] }] : [];
  });
}
