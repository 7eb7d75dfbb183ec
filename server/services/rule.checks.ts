// Checks every scheduling rule passes before it is stored: its playlist exists, its target reaches a
// known screen, its dates and windows are in order, and it does not tie with a rule it overlaps.
// Each failure is a 422 with a stable reason and a "中文 / English" message; nothing is written.
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import type { Broadcast, ScheduleEntry, Target } from '../../playlists/schedule.schema.js';
import { ALL_WEEKDAYS } from '../../playlists/schedule.schema.js';
import { positionOf, reachingIds } from '../../playlists/catalogue.index.js';
import { screenKeys, targetKeys, targetsScreen } from '../../playlists/targets.js';
import { isPlayable, itemDurationMs } from '../../playlists/timeline.js';
import { minutesOf } from '../../playlists/wall-clock.js';
import { AppError } from '../errors.js';
import { appendedItems, committedList, draftItem, rewrittenItems } from '../storage/catalogue.draft.js';

export function checkPlaylist(draft: Catalogue, playlistId: string): void {
  if (!draft.playlists.some((p) => p.id === playlistId)) {
    throw new AppError(422, 'unknown-playlist', `播放列表不存在 / unknown playlist: ${playlistId}`);
  }
}

const TARGET_NAMES: Record<Target['kind'], [string, string]> = { all: ['全部', 'all'], screens: ['屏幕', 'screens'], groups: ['分组', 'groups'], townships: ['乡镇', 'townships'], siteTypes: ['场所类型', 'site types'] };

export function checkTarget(draft: Catalogue, target: Target): void {
  const unknown = unknownValues(draft, target);
  if (unknown.length) {
    const [zh, en] = TARGET_NAMES[target.kind];
    throw new AppError(422, 'unknown-target', `目标不存在：没有屏幕属于${zh}「${unknown.join('、')}」 / unknown target: no screen has ${en} ${unknown.join(', ')}`);
  }
}

/**
 * The values of a target no screen has (as unknownTargetValues), looked up in the screens' indexes instead of a
 * pass over the fleet (a pass through the draft drafted all 10,000 screens: ~10 ms a rule). A value known only
 * through a screen an earlier change of the same batch rewrote is missed: the batch then fails and each change
 * runs alone, on a catalogue whose index has it.
 */
function unknownValues(draft: Catalogue, target: Target): string[] {
  if (target.kind === 'all') return [];
  if (target.kind === 'screens') return target.screenIds.filter((id) => !draftItem(draft.screens, id));
  const committed = committedList(draft.screens);
  const values = target.kind === 'groups' ? target.groups : target.kind === 'townships' ? target.townships : target.siteTypes;
  const keys = targetKeys(target);
  const appended = appendedItems(draft.screens).flatMap(screenKeys);
  return values.filter((_, i) => reachingIds(committed, keys[i]!).size === 0 && !appended.includes(keys[i]!));
}

interface Calendar {
  startDate?: string | undefined;
  endDate?: string | undefined;
  weekdays?: number[] | undefined;
}

export function checkCalendar(rule: Calendar & { windows?: { start: string; end: string }[] | undefined }): void {
  if (rule.startDate && rule.endDate && rule.endDate < rule.startDate) {
    throw new AppError(422, 'end-before-start', `结束日期早于开始日期 / endDate ${rule.endDate} is before startDate ${rule.startDate}`);
  }
  rule.windows?.forEach((w, i) => {
    if (w.end <= w.start) {
      throw new AppError(422, 'end-before-start', `第 ${i + 1} 个时段的结束时间不晚于开始时间 / window ${i + 1}: end ${w.end} is not after start ${w.start}`);
    }
  });
}

type Screen = Catalogue['screens'][number];
/** A screen of the draft by id, through the committed list's index (one item drafted, not the fleet). */
const screenIn = (draft: Catalogue) => (id: string): Screen | undefined => draftItem(draft.screens, id);

/**
 * Whether some screen is reached by both targets. Where one lists its screens, only those are looked at:
 * scanning the fleet for each entry compared made one new entry cost entries × screens (2.2 s per entry
 * at ~850 entries and 10,000 screens).
 */
export function targetsOverlap(draft: Catalogue, a: Target, b: Target, screenOf = screenIn(draft)): boolean {
  if (a.kind === 'all' && b.kind === 'all') return true;
  const [listed, other] = a.kind === 'screens' ? [a, b] : b.kind === 'screens' ? [b, a] : [null, null];
  if (listed) {
    return listed.screenIds.some((id) => {
      const screen = screenOf(id);
      return !!screen && targetsScreen(other!, screen);
    });
  }
  return draft.screens.some((s) => targetsScreen(a, s) && targetsScreen(b, s));
}

type Rule = { id: string; priority: number; target: Target };

/**
 * The rules of a draft's list that may clash with `rule`: those of its priority that can reach one of its
 * screens (all of its priority when its target is not a list of screens), found through the committed list's
 * index by what they reach (playlists/catalogue.index.ts) instead of a pass over every rule, and read as the
 * draft holds them now, with what earlier changes of the batch added or rewrote. In list order.
 */
function rivals<R extends Rule>(draft: Catalogue, list: R[], rule: R): R[] {
  const committed = committedList(list);
  const p = `${rule.priority}|`;
  const keys = rule.target.kind === 'screens' ? rule.target.screenIds.flatMap((id) => {
    const screen = draftItem(draft.screens, id);
    return screen ? screenKeys(screen).map((key) => p + key) : [];
  }) : [p];
  const ids = new Set<string>();
  for (const key of keys) for (const id of reachingIds(committed, key)) ids.add(id);
  for (const item of [...appendedItems(list), ...rewrittenItems(list)]) ids.add(item.id);
  ids.delete(rule.id);
  const place = (id: string) => positionOf(committed, id) ?? committed.length;
  return [...ids].sort((a, b) => place(a) - place(b)).map((id) => draftItem(list, id)).filter((r): r is R => !!r && r.priority === rule.priority);
}

function calendarsOverlap(a: Calendar, b: Calendar): boolean {
  const start = [a.startDate, b.startDate].filter(Boolean).sort().at(-1);
  const end = [a.endDate, b.endDate].filter(Boolean).sort()[0];
  if (start && end && end < start) return false;
  const days = new Set(a.weekdays ?? ALL_WEEKDAYS);
  return (b.weekdays ?? ALL_WEEKDAYS).some((d) => days.has(d));
}

const ALL_DAY = [{ start: '00:00', end: '24:00' }];

/** Equal-priority schedule entries may not overlap in target, dates, weekdays and windows: which one airs would be a coin toss. */
export function checkScheduleConflicts(draft: Catalogue, entry: ScheduleEntry): void {
  const screenOf = screenIn(draft);
  for (const other of rivals(draft, draft.schedules, entry)) {
    if (!calendarsOverlap(entry, other)) continue;
    // The windows first: they are cheap, and the targets are compared only where the times clash.
    const clash = (entry.windows ?? ALL_DAY).find((w) => (other.windows ?? ALL_DAY).some((o) => w.start < o.end && o.start < w.end));
    if (clash && targetsOverlap(draft, entry.target, other.target, screenOf)) {
      throw new AppError(
        422,
        'schedule-conflict',
        `与同优先级排期 ${other.id} 在 ${clash.start}–${clash.end} 时段重叠，请调整时段或优先级 / overlaps schedule ${other.id} of equal priority ${entry.priority} around ${clash.start}–${clash.end}: change the windows or the priority`,
      );
    }
  }
}

/** How long one airing of a playlist lasts now, in minutes (what a broadcast occupies). */
function airingMinutes(draft: Catalogue, playlistId: string, now: Date): number {
  const playlist = draftItem(draft.playlists, playlistId);
  let ms = 0;
  for (const item of playlist?.items ?? []) {
    const m = draftItem(draft.media, item.mediaId);
    if (m && isPlayable(m, now.getTime())) ms += itemDurationMs(item, m);
  }
  return ms / 60_000;
}

/** Equal-priority broadcasts whose airings would overlap on a shared screen are refused for the same reason. */
export function checkBroadcastConflicts(draft: Catalogue, broadcast: Broadcast, now: Date): void {
  const length = airingMinutes(draft, broadcast.playlistId, now);
  const screenOf = screenIn(draft);
  for (const other of rivals(draft, draft.broadcasts, broadcast)) {
    if (!calendarsOverlap(broadcast, other) || !targetsOverlap(draft, broadcast.target, other.target, screenOf)) continue;
    const otherLength = airingMinutes(draft, other.playlistId, now);
    for (const t of broadcast.times) {
      const clash = other.times.find((o) => minutesOf(t) < minutesOf(o) + otherLength && minutesOf(o) < minutesOf(t) + length);
      if (clash) {
        throw new AppError(
          422,
          'broadcast-conflict',
          `${t} 的广播与同优先级广播 ${other.id}（${clash}）重叠 / the ${t} airing overlaps broadcast ${other.id} at ${clash} of equal priority ${broadcast.priority}`,
        );
      }
    }
  }
}
