// Checks every scheduling rule passes before it is stored: its playlist exists, its target reaches a
// known screen, its dates and windows are in order, and it does not tie with a rule it overlaps.
// Each failure is a 422 with a stable reason and a "中文 / English" message; nothing is written.
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import type { Broadcast, ScheduleEntry, Target } from '../../playlists/schedule.schema.js';
import { ALL_WEEKDAYS } from '../../playlists/schedule.schema.js';
import { targetsScreen, unknownTargetValues } from '../../playlists/targets.js';
import { isPlayable, itemDurationMs } from '../../playlists/timeline.js';
import { minutesOf } from '../../playlists/wall-clock.js';
import { AppError } from '../errors.js';

export function checkPlaylist(draft: Catalogue, playlistId: string): void {
  if (!draft.playlists.some((p) => p.id === playlistId)) {
    throw new AppError(422, 'unknown-playlist', `播放列表不存在 / unknown playlist: ${playlistId}`);
  }
}

const TARGET_NAMES: Record<Target['kind'], [string, string]> = { all: ['全部', 'all'], screens: ['屏幕', 'screens'], groups: ['分组', 'groups'], townships: ['乡镇', 'townships'], siteTypes: ['场所类型', 'site types'] };

export function checkTarget(draft: Catalogue, target: Target): void {
  const unknown = unknownTargetValues(target, draft.screens);
  if (unknown.length) {
    const [zh, en] = TARGET_NAMES[target.kind];
    throw new AppError(422, 'unknown-target', `目标不存在：没有屏幕属于${zh}「${unknown.join('、')}」 / unknown target: no screen has ${en} ${unknown.join(', ')}`);
  }
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

/** The draft's screens by id, made at most once per check (a check visits many entries). */
function screensById(draft: Catalogue): () => Map<string, Catalogue['screens'][number]> {
  let byId: Map<string, Catalogue['screens'][number]> | undefined;
  return () => (byId ??= new Map(draft.screens.map((s) => [s.id, s])));
}

/**
 * Whether some screen is reached by both targets. Where one lists its screens, only those are looked at:
 * scanning the fleet for each entry compared made one new entry cost entries × screens (2.2 s per entry
 * at ~850 entries and 10,000 screens).
 */
export function targetsOverlap(draft: Catalogue, a: Target, b: Target, byId = screensById(draft)): boolean {
  if (a.kind === 'all' && b.kind === 'all') return true;
  const [listed, other] = a.kind === 'screens' ? [a, b] : b.kind === 'screens' ? [b, a] : [null, null];
  if (listed) {
    const screens = byId();
    return listed.screenIds.some((id) => {
      const screen = screens.get(id);
      return !!screen && targetsScreen(other!, screen);
    });
  }
  return draft.screens.some((s) => targetsScreen(a, s) && targetsScreen(b, s));
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
  const byId = screensById(draft);
  for (const other of draft.schedules) {
    if (other.id === entry.id || other.priority !== entry.priority || !calendarsOverlap(entry, other)) continue;
    // The windows first: they are cheap, and the targets are compared only where the times clash.
    const clash = (entry.windows ?? ALL_DAY).find((w) => (other.windows ?? ALL_DAY).some((o) => w.start < o.end && o.start < w.end));
    if (clash && targetsOverlap(draft, entry.target, other.target, byId)) {
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
  const media = new Map(draft.media.map((m) => [m.id, m]));
  const playlist = draft.playlists.find((p) => p.id === playlistId);
  let ms = 0;
  for (const item of playlist?.items ?? []) {
    const m = media.get(item.mediaId);
    if (m && isPlayable(m, now.getTime())) ms += itemDurationMs(item, m);
  }
  return ms / 60_000;
}

/** Equal-priority broadcasts whose airings would overlap on a shared screen are refused for the same reason. */
export function checkBroadcastConflicts(draft: Catalogue, broadcast: Broadcast, now: Date): void {
  const length = airingMinutes(draft, broadcast.playlistId, now);
  const byId = screensById(draft);
  for (const other of draft.broadcasts) {
    if (other.id === broadcast.id || other.priority !== broadcast.priority) continue;
    if (!calendarsOverlap(broadcast, other) || !targetsOverlap(draft, broadcast.target, other.target, byId)) continue;
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
