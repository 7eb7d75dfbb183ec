// What the schema cannot see: ids that must be unique and references that must resolve. The services
// keep these true (deletes refuse or cascade); a catalogue that breaks them was edited by hand or
// damaged, and is refused at start with the ids named rather than aired half-broken.
import type { Catalogue } from '../../playlists/catalogue.schema.js';

function duplicates(kind: string, ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return [...twice].map((id) => `${kind} ${id} 重复 / duplicate ${kind} id ${id}`);
}

/** Each defect as "中文 / English"; empty when the catalogue holds together. */
export function catalogueDefects(c: Readonly<Catalogue>): string[] {
  const defects = [
    ...duplicates('screen', c.screens.map((s) => s.id)),
    ...duplicates('media', c.media.map((m) => m.id)),
    ...duplicates('playlist', c.playlists.map((p) => p.id)),
  ];
  const media = new Set(c.media.map((m) => m.id));
  const playlists = new Set(c.playlists.map((p) => p.id));
  for (const p of c.playlists) {
    for (const item of p.items) {
      if (!media.has(item.mediaId)) defects.push(`播放列表 ${p.id} 引用不存在的素材 ${item.mediaId} / playlist ${p.id} names missing media ${item.mediaId}`);
    }
  }
  if (c.defaultPlaylistId !== null && !playlists.has(c.defaultPlaylistId)) {
    defects.push(`默认播放列表 ${c.defaultPlaylistId} 不存在 / default playlist ${c.defaultPlaylistId} is missing`);
  }
  const rules = [...c.schedules.map((r) => ['schedule', r] as const), ...c.broadcasts.map((r) => ['broadcast', r] as const), ...c.alerts.map((r) => ['alert', r] as const)];
  for (const [kind, rule] of rules) {
    if (!playlists.has(rule.playlistId)) defects.push(`${kind} ${rule.id} 引用不存在的播放列表 ${rule.playlistId} / ${kind} ${rule.id} names missing playlist ${rule.playlistId}`);
  }
  return defects;
}
