// The urgent alert in one step: a headline (and subline) becomes a full-screen alert slogan for
// screens and, for loudspeakers, the same words spoken in Mandarin after a chime. No playlist to
// prepare: the slogan, the clip and a playlist of the two are made here and the alert goes out on
// them. The alert airs on screens at once, for its whole life; the spoken clip (one chime, one
// reading) joins it seconds later, when its loudness pass is done, and stations air it N times and
// then return to their schedule (playlists/alert-airings.ts). Sending an alert is itself the
// release: its own content is approved by whoever may send alerts.
import { z } from 'zod';
import { IsoTimeSchema, SloganSchema, type Catalogue, type MediaItem } from '../../playlists/catalogue.schema.js';
import { AlertShape, type Alert } from '../../playlists/schedule.schema.js';
import { currentContext } from '../auth/request-context.js';
import type { Clock } from '../clock.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';
import type { AlertsService } from './alerts.service.js';
import type { MediaService } from './media.service.js';
import type { PlaylistsService } from './playlists.service.js';
import { spokenText, type SpeechService } from './speech.service.js';

export const MessageAlertInputSchema = z.object({
  headline: SloganSchema.shape.headline,
  subline: SloganSchema.shape.subline,
  target: AlertShape.target,
  /** Stations air the chime and the reading this many times, then their schedule again; 0 sends no speech. */
  repeats: z.union([z.literal(0), AlertShape.airings.unwrap()]).default(3),
  priority: AlertShape.priority,
  expiresAt: IsoTimeSchema.optional(),
  durationMinutes: z.number().int().min(1).max(60 * 24 * 31).optional(),
});
export type MessageAlertInput = z.infer<typeof MessageAlertInputSchema>;

/** How long the slogan stays up before the loop comes round to it again (it is the only still). */
const SLOGAN_MS = 20_000;

export interface MessageAlert {
  alert: Alert;
  slogan: MediaItem;
  speech: { item: MediaItem; engine: string } | null;
}

export function createMessageAlerts(deps: {
  catalogue: CatalogueStore;
  media: MediaService;
  speech: SpeechService;
  playlists: PlaylistsService;
  alerts: AlertsService;
  clock: Clock;
}) {
  const { catalogue, media, speech, playlists, alerts, clock } = deps;

  /** The alert's own content airs with it, whatever the approval setting. */
  const approve = (ids: string[]) =>
    catalogue.update((draft: Catalogue) => {
      const by = currentContext()?.actor?.username;
      for (const m of draft.media) {
        if (ids.includes(m.id) && m.approval && m.approval.state !== 'approved') {
          m.approval = { state: 'approved', ...(by ? { by } : {}), at: clock.now().toISOString(), note: '紧急插播 / urgent alert' };
        }
      }
    });

  return {
    async send(input: MessageAlertInput): Promise<MessageAlert> {
      const slogan = (
        await media.createSlogan({ title: `紧急插播：${input.headline}`.slice(0, 120), tags: [], slogan: { headline: input.headline, subline: input.subline, theme: 'alert' } })
      ).item;
      await approve([slogan.id]);
      const playlist = await playlists.create({
        name: `紧急插播：${input.headline}`.slice(0, 120),
        description: '一键紧急插播自动生成 / made by a one-step urgent alert',
        items: [{ mediaId: slogan.id, durationMs: SLOGAN_MS }],
      });
      const { expiresAt, durationMinutes } = input;
      const alert = await alerts.create({
        title: input.headline.slice(0, 120),
        playlistId: playlist.id,
        target: input.target,
        priority: input.priority,
        ...(expiresAt ? { expiresAt } : {}),
        ...(durationMinutes ? { durationMinutes } : {}),
        ...(input.repeats ? { airings: input.repeats } : {}),
      });
      if (!input.repeats) return { alert, slogan, speech: null };
      // Screens already show it; now the loudspeakers' clip: one chime, one reading, aired `repeats` times.
      const spoken = await speech.makeAudio({ text: spokenText(input), repeats: 1, title: `紧急广播：${input.headline}` });
      await approve([spoken.item.id]);
      await playlists.update(playlist.id, {
        name: playlist.name,
        description: playlist.description,
        items: [...playlist.items, { mediaId: spoken.item.id }],
      });
      return { alert, slogan, speech: { item: media.get(spoken.item.id), engine: spoken.engine } };
    },
  };
}
