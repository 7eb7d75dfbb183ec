// The embedded default campaign's loop: what every screen airs until staff schedule something else,
// and the fallback that keeps a screen from ever going black. Media keys refer to
// media/campaign/campaign.data.ts; the server seeds both on first start.
export interface DefaultCampaignItem {
  key: string;
  /** Stills and slogans need a duration; video and audio air for their own length. */
  durationMs?: number;
}

const SLOGAN_MS = 8_000;
const POSTER_MS = 12_000;

// Slogans alternate with posters, the video and the audio so no fraud type airs twice in a row.
export const DEFAULT_CAMPAIGN_PLAYLIST = {
  id: 'pl-default-campaign',
  name: '防范电信网络诈骗 · 默认宣传循环',
  description: '内置默认反诈宣传：网贷、投资博彩、刷单、网购退赔四类高发诈骗及冒充领导诈骗。新屏幕接入即播放。',
  items: [
    { key: 'slogan-loan-1', durationMs: SLOGAN_MS },
    { key: 'poster-four-types', durationMs: POSTER_MS },
    { key: 'slogan-invest-1', durationMs: SLOGAN_MS },
    { key: 'slogan-brush-1', durationMs: SLOGAN_MS },
    { key: 'video-four-types' },
    { key: 'slogan-refund-1', durationMs: SLOGAN_MS },
    { key: 'slogan-boss-1', durationMs: SLOGAN_MS },
    { key: 'poster-finance', durationMs: POSTER_MS },
    { key: 'slogan-gamble-1', durationMs: SLOGAN_MS },
    { key: 'slogan-loan-2', durationMs: SLOGAN_MS },
    { key: 'audio-broadcast' },
    { key: 'slogan-refund-2', durationMs: SLOGAN_MS },
    { key: 'slogan-boss-2', durationMs: SLOGAN_MS },
    { key: 'poster-hotline-portrait', durationMs: POSTER_MS },
    { key: 'slogan-police', durationMs: SLOGAN_MS },
    { key: 'slogan-card', durationMs: SLOGAN_MS },
    { key: 'slogan-hotline', durationMs: SLOGAN_MS },
    { key: 'slogan-app', durationMs: SLOGAN_MS },
    { key: 'slogan-rules', durationMs: SLOGAN_MS },
  ] satisfies DefaultCampaignItem[],
};
