// The as-run log of one screen-day, as broadcasters keep it: what the shared resolver planned (from
// the catalogue as it is now) against what the player says aired, and for planned airings that did
// not happen, the likely reason reconciled with heartbeats: offline, outranked, media not cached,
// sound blocked, something else aired. Pure: the route gathers the inputs.
import type { Catalogue, MediaItem, Screen } from '../../playlists/catalogue.schema.js';
import { resolveTimeline, segmentAt, type Segment, type SourceRef } from '../../playlists/timeline.js';
import type { StoredPlay } from '../storage/airing.store.js';
import { isoTime as iso } from '../storage/iso-time.js';

export interface HealthAt {
  at: number;
  soundBlocked?: boolean | undefined;
  cache?: { items: number; itemsTotal: number } | null | undefined;
  errors?: { at: string; kind: string; itemId?: string | undefined }[] | undefined;
}

export interface AsRunInput {
  catalogue: Readonly<Catalogue>;
  screen: Screen;
  day: string;
  from: number;
  to: number;
  timeZone: string;
  plays: readonly StoredPlay[];
  online: readonly { start: number; end: number }[];
  /** Health reports in force during the day, oldest first (the one before `from` included). */
  health: readonly HealthAt[];
}

export type MissReason = 'offline' | 'outranked' | 'not-cached' | 'sound-blocked' | 'other-content' | 'unknown';
export interface Words {
  zh: string;
  en: string;
}

const REASON_WORDS: Record<MissReason, Words> = {
  offline: { zh: '屏幕离线', en: 'the screen was offline' },
  outranked: { zh: '被更高优先级的内容取代', en: 'something else won' },
  'not-cached': { zh: '素材未缓存或加载失败', en: 'media not cached or failed to load' },
  'sound-blocked': { zh: '浏览器阻止了声音', en: 'sound was blocked by the browser' },
  'other-content': { zh: '播出了其他内容', en: 'other content aired' },
  unknown: { zh: '原因不明（播放器未报告）', en: 'reason unknown (the player reported nothing)' },
};

const baseItemId = (id: string) => id.replace(/_sov\d+$/, '');

/** The rule that made a segment air, named in words with its playlist. */
export function ruleWords(catalogue: Readonly<Catalogue>, source: SourceRef, playlistName: string | null): Words {
  const playlist = playlistName ? { zh: `，播放列表「${playlistName}」`, en: `, playlist "${playlistName}"` } : { zh: '', en: '' };
  const find = <T extends { id: string }>(list: readonly T[] | undefined) => list?.find((r) => r.id === source.id);
  switch (source.kind) {
    case 'alert': {
      const a = find(catalogue.alerts);
      return { zh: `紧急插播「${a?.title ?? source.id}」（优先级 ${source.priority}）${playlist.zh}`, en: `alert "${a?.title ?? source.id}" (priority ${source.priority})${playlist.en}` };
    }
    case 'broadcast': {
      const b = find(catalogue.broadcasts);
      return { zh: `定时广播「${b?.name ?? source.id}」（优先级 ${source.priority}）${playlist.zh}`, en: `fixed-time broadcast "${b?.name ?? source.id}" (priority ${source.priority})${playlist.en}` };
    }
    case 'schedule': {
      const s = find(catalogue.schedules);
      return { zh: `排播「${s?.name ?? source.id}」（优先级 ${source.priority}）${playlist.zh}`, en: `schedule "${s?.name ?? source.id}" (priority ${source.priority})${playlist.en}` };
    }
    case 'default':
      return { zh: `默认宣传${playlist.zh}`, en: `the default campaign${playlist.en}` };
    default:
      return { zh: '没有可播内容', en: 'nothing airable' };
  }
}

export function buildAsRun(input: AsRunInput) {
  const { catalogue, screen, from, to, plays, online, health } = input;
  const timeline = resolveTimeline(catalogue, screen, from, to, { timeZone: input.timeZone });
  const media = new Map(catalogue.media.map((m) => [m.id, m]));
  const playlistNameOf = (id: string | null | undefined) => (id ? catalogue.playlists.find((p) => p.id === id)?.name ?? null : null);
  const rulePlaylist = (ref: SourceRef): string | null => {
    const all = [...catalogue.schedules, ...(catalogue.broadcasts ?? []), ...(catalogue.alerts ?? [])] as { id: string; playlistId: string }[];
    return playlistNameOf(all.find((r) => r.id === ref.id)?.playlistId ?? (ref.kind === 'default' ? ref.id : null));
  };
  // A day holds thousands of plays: each one's start, base item and segment's words are worked out once.
  const wordsOf = new Map<Segment, Words>();
  const words = (s: Segment) => wordsOf.get(s) ?? wordsOf.set(s, ruleWords(catalogue, s.source, s.playlistName)).get(s)!;
  const plannedOf = new Map<Segment, Set<string>>();
  const plannedIds = (s: Segment) => plannedOf.get(s) ?? plannedOf.set(s, new Set(s.items.map((i) => baseItemId(i.id)))).get(s)!;
  // Oldest first (a stable sort: plays starting together keep their order).
  const sorted = plays.map((play) => ({ play, at: Date.parse(play.startedAt), base: baseItemId(play.itemId) })).sort((a, b) => a.at - b.at);
  /** The plays that started in [a, b), by binary search on the sorted starts. */
  const startedIn = (a: number, b: number) => {
    const firstAt = (t: number) => {
      let low = 0;
      let high = sorted.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (sorted[mid]!.at < t) low = mid + 1;
        else high = mid;
      }
      return low;
    };
    return sorted.slice(firstAt(a), firstAt(b));
  };

  const onlineMs = (a: number, b: number) => online.reduce((n, i) => n + Math.max(0, Math.min(i.end, b) - Math.max(i.start, a)), 0);
  const healthAt = (t: number) => {
    let current: HealthAt | undefined;
    for (const h of health) if (h.at <= t) current = h;
    return current;
  };
  const reasonFor = (a: number, b: number, items: readonly MediaItem[], itemId: string | null, segmentItemIds: Set<string>): MissReason => {
    // A screen is not counted online for the last stretch after its final heartbeat: half the window is enough.
    if (onlineMs(a, b) < (b - a) / 2) return 'offline';
    const inWindow = health.filter((h) => h.at >= a && h.at < b);
    const state = [healthAt(a), ...inWindow].filter((h): h is HealthAt => h !== undefined);
    if (items.some((m) => m.kind === 'audio' || m.kind === 'video') && state.some((h) => h.soundBlocked === true)) return 'sound-blocked';
    const failed = state.some(
      (h) =>
        (h.cache && h.cache.items < h.cache.itemsTotal) ||
        h.errors?.some((e) => (e.kind === 'cache' || e.kind === 'item-failed') && (!itemId || !e.itemId || baseItemId(e.itemId) === itemId)),
    );
    if (failed) return 'not-cached';
    const others = startedIn(a, b).some((p) => !segmentItemIds.has(p.base));
    return others ? 'other-content' : 'unknown';
  };

  const aired = sorted.map(({ play: p, at: start, base }) => {
    const segment = segmentAt(timeline.segments, start);
    const m = media.get(p.mediaId);
    return {
      playId: p.id,
      seq: p.seq,
      itemId: p.itemId,
      mediaId: p.mediaId,
      title: m?.title ?? null,
      plannedStart: p.plannedStartedAt,
      start: p.startedAt,
      end: p.endedAt,
      outcome: p.outcome ?? (p.completed ? 'completed' : 'cut'),
      completed: p.completed,
      clockOffsetMs: p.clockOffsetMs,
      isProvisional: p.isProvisional,
      rule: segment ? words(segment) : null,
      /** Whether the play's item belongs to what the resolver planned at that moment. */
      isPlanned: segment ? plannedIds(segment).has(base) : false,
    };
  });

  type Missed = { start: string; end: string; itemId: string | null; title: string | null; rule: Words; reason: MissReason; reasonWords: Words };
  const missed: Missed[] = [];
  const segments = timeline.segments.map((s) => {
    const itemIds = plannedIds(s);
    const inSegment = startedIn(s.start, s.end).filter((p) => itemIds.has(p.base));
    const rule = words(s);
    const miss = (a: number, b: number, item: { id: string; media: MediaItem } | null) => {
      // A loop missed as a whole is judged by all its items (sound blocked matters if any has sound).
      const reason = reasonFor(a, b, item ? [item.media] : s.items.map((i) => i.media), item ? baseItemId(item.id) : null, itemIds);
      missed.push({ start: iso(a), end: iso(b), itemId: item?.id ?? null, title: item?.media.title ?? null, rule, reason, reasonWords: REASON_WORDS[reason] });
    };
    if (s.mode === 'once' && s.anchor !== null) {
      // A fixed-time broadcast: each item has its planned second.
      let at = s.anchor;
      for (const item of s.items) {
        const end = at + item.durationMs;
        if (end > s.start && at < s.end && !inSegment.some((p) => p.base === baseItemId(item.id))) miss(Math.max(at, s.start), Math.min(end, s.end), item);
        at = end;
      }
    } else if (s.items.length && inSegment.length === 0 && s.end - s.start >= Math.min(...s.items.map((i) => i.durationMs))) {
      miss(s.start, s.end, null); // a loop with no play at all in its time
    }
    // Rules in force that lost (the default campaign losing is the normal case, not worth a line).
    for (const lost of s.beat.filter((b) => b.kind !== 'default' && b.kind !== 'none')) {
      missed.push({
        start: iso(s.start), end: iso(s.end), itemId: null, title: null, rule: ruleWords(catalogue, lost, rulePlaylist(lost)), reason: 'outranked',
        reasonWords: { zh: `${REASON_WORDS.outranked.zh}：${rule.zh}`, en: `${REASON_WORDS.outranked.en}: ${rule.en}` },
      });
    }
    return {
      start: iso(s.start), end: iso(s.end), mode: s.mode, isQuiet: s.isQuiet, rule,
      items: s.items.map((i) => ({ itemId: i.id, mediaId: i.mediaId, title: i.media.title, kind: i.media.kind, durationMs: i.durationMs })),
      aired: inSegment.length,
    };
  });
  missed.sort((a, b) => a.start.localeCompare(b.start));
  return {
    screenId: screen.id,
    screenName: screen.name,
    day: input.day,
    timeZone: input.timeZone,
    from: iso(from),
    to: iso(to),
    plannedFrom: 'current-catalogue' as const,
    note: {
      zh: '计划部分由当前的节目目录（播放列表、排播、定时广播、紧急插播）按统一的排播规则算出；此后若有修改，计划与当时可能不同。',
      en: 'The plan is computed by the shared resolver from the current catalogue (playlists, schedules, broadcasts, alerts); if these changed since, the plan may differ from what was planned at the time.',
    },
    onlineMs: onlineMs(from, to),
    online: online.map((i) => ({ start: iso(i.start), end: iso(i.end) })),
    segments,
    aired,
    missed,
  };
}

export type AsRun = ReturnType<typeof buildAsRun>;
