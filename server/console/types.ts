// The shapes the console reads, taken from the server's own schemas (type-only: nothing of zod is bundled).
import type { ScreenWithStatus } from '../api.schema.js';
import type { MediaItem as CatalogueMedia } from '../../playlists/catalogue.schema.js';
import type { Job } from '../services/media-job.schema.js';

export type { ScreenWithStatus, Job };
export type { Playlist, PlaylistItem, MediaKind, FraudTag, Rendition, Target } from '../../playlists/catalogue.schema.js';
export type { ScheduleEntry, Broadcast, Alert, QuietHours, TimeWindow } from '../../playlists/schedule.schema.js';

/** Approval comes with accounts; absent means approved (seeded content, or a server without approval). */
export interface Approval {
  state: 'pending' | 'approved' | 'rejected';
  by?: string | { id: string; username: string };
  at?: string;
  note?: string;
}
export type MediaItem = CatalogueMedia & { job?: Job; approval?: Approval };

export const FRAUD_TAGS = ['网贷', '投资博彩', '刷单', '网购退赔', '冒充领导/熟人', '其他'] as const;
export type { RegisterTree } from '../register/register.api.js';
export type { Campaign, SiteType } from '../../playlists/register.schema.js';
