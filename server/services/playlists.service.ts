// Playlists: create, update and delete looping playlists; every change is pushed to affected players.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { IdSchema, PlaylistItemSchema, PlaylistSchema, type Catalogue, type Playlist } from '../../playlists/catalogue.schema.js';
import { AppError, notFound } from '../errors.js';
import type { Clock } from '../clock.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';

export const PlaylistInputSchema = z.object({
  name: PlaylistSchema.shape.name,
  description: PlaylistSchema.shape.description.optional(),
  items: z
    .array(PlaylistItemSchema.extend({ id: IdSchema.optional() }))
    .min(1, '播放列表至少需要一个节目 / a playlist needs at least one item')
    .max(500),
});
export type PlaylistInput = z.infer<typeof PlaylistInputSchema>;

const newId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Rejects items that name missing media or stills without a duration, before anything is written. */
function checkItems(catalogue: Catalogue, input: PlaylistInput): Playlist['items'] {
  const mediaById = new Map(catalogue.media.map((m) => [m.id, m]));
  const seen = new Set<string>();
  return input.items.map((item, index) => {
    const media = mediaById.get(item.mediaId);
    if (!media) throw new AppError(422, 'unknown-media', `第 ${index + 1} 项引用了不存在的素材 / item ${index + 1}: unknown media ${item.mediaId}`);
    if (item.durationMs === undefined && !media.file?.durationMs) {
      throw new AppError(422, 'duration-required', `第 ${index + 1} 项需要播放时长 / item ${index + 1}: a still or slogan needs durationMs`);
    }
    const id = item.id && !seen.has(item.id) ? item.id : newId('item');
    seen.add(id);
    return {
      id,
      mediaId: item.mediaId,
      ...(item.durationMs !== undefined ? { durationMs: item.durationMs } : {}),
      ...(item.minPerHour !== undefined ? { minPerHour: item.minPerHour } : {}),
    };
  });
}

export type PlaylistsService = ReturnType<typeof createPlaylistsService>;

export function createPlaylistsService(deps: { catalogue: CatalogueStore; clock: Clock; onChange: () => void }) {
  const { catalogue, clock, onChange } = deps;
  const find = (id: string) => catalogue.read().playlists.find((p) => p.id === id);

  return {
    list: (): Playlist[] => catalogue.read().playlists,
    get(id: string): Playlist {
      const playlist = find(id);
      if (!playlist) throw notFound('播放列表 playlist', id);
      return playlist;
    },
    async create(input: PlaylistInput): Promise<Playlist> {
      const now = clock.now().toISOString();
      const playlist = await catalogue.update((draft) => {
        const created: Playlist = {
          id: newId('pl'),
          name: input.name,
          description: input.description ?? '',
          items: checkItems(draft, input),
          createdAt: now,
          updatedAt: now,
        };
        draft.playlists.push(created);
        return created;
      });
      onChange();
      return playlist;
    },
    async update(id: string, input: PlaylistInput): Promise<Playlist> {
      const playlist = await catalogue.update((draft) => {
        const index = draft.playlists.findIndex((p) => p.id === id);
        const existing = draft.playlists[index];
        if (!existing) throw notFound('播放列表 playlist', id);
        const updated: Playlist = {
          ...existing,
          name: input.name,
          description: input.description ?? existing.description,
          items: checkItems(draft, input),
          updatedAt: clock.now().toISOString(),
        };
        draft.playlists[index] = updated;
        return updated;
      });
      onChange();
      return playlist;
    },
    /** Refuses to remove the default campaign or a scheduled playlist unless `force` drops its schedule entries. */
    async remove(id: string, force: boolean): Promise<void> {
      await catalogue.update((draft) => {
        if (!draft.playlists.some((p) => p.id === id)) throw notFound('播放列表 playlist', id);
        if (draft.defaultPlaylistId === id) {
          throw new AppError(409, 'default-playlist', '默认宣传播放列表不能删除 / the default campaign playlist cannot be deleted');
        }
        // Schedule entries, broadcasts and alerts all name playlists; force drops them together.
        const users = [...draft.schedules, ...draft.broadcasts, ...draft.alerts].filter((s) => s.playlistId === id).length;
        if (users && !force) {
          throw new AppError(409, 'playlist-scheduled', `该播放列表已被 ${users} 条排期、广播或插播使用 / playlist is used by ${users} schedule entries, broadcasts or alerts (use ?force=true)`);
        }
        draft.schedules = draft.schedules.filter((s) => s.playlistId !== id);
        draft.broadcasts = draft.broadcasts.filter((s) => s.playlistId !== id);
        draft.alerts = draft.alerts.filter((s) => s.playlistId !== id);
        draft.playlists = draft.playlists.filter((p) => p.id !== id);
      });
      onChange();
    },
  };
}
