// The shape of the embedded default campaign's data (media/campaign/campaign.data.ts).
import type { FraudTag, Slogan } from '../../playlists/catalogue.schema.js';

export interface CampaignTextSpec {
  key: string;
  kind: 'text';
  title: string;
  tags: FraudTag[];
  slogan: Slogan;
}

export interface CampaignFileSpec {
  key: string;
  kind: 'image' | 'video' | 'audio';
  title: string;
  tags: FraudTag[];
  /** File name inside media/campaign/assets/, produced by make-campaign-media.ts. */
  file: string;
  mime: string;
}

export type CampaignMediaSpec = CampaignTextSpec | CampaignFileSpec;

/** One line per generated file in media/campaign/assets/assets.json, written by the generator. */
export interface CampaignAssetInfo {
  file: string;
  sha256: string;
  bytes: number;
  width?: number;
  height?: number;
  durationMs?: number;
}
