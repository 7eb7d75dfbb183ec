// The audio station's display: a plain page an operator reads from across the room, Chinese first.
// The clock and what airs now fill the top; what airs next and the next fixed-time broadcast below;
// then four tiles: volume, quiet hours, network (online/offline since when), last sync.
import type { VolumeState } from './protocol.js';
import type { StationStrings } from './station-strings.js';

export interface StationStatus {
  clock: Date;
  screenName: string;
  now: { title: string; isBroadcast: boolean; programme: string | null; endsAt: Date | null } | null;
  next: { title: string; at: Date | null } | null;
  nextBroadcast: { at: Date; name: string } | null;
  volume: VolumeState | null;
  quiet: { isQuiet: boolean; change: Date | null };
  isOnline: boolean;
  connectionSince: Date;
  lastSync: Date | null;
}

const CSS = `
#status-panel { position: fixed; inset: 0 0 var(--badge-bottom, 0px) var(--badge-left, 0px); z-index: 10; box-sizing: border-box; padding: 3.2vh 3.5vw; background: #0e1a24; color: #f2f6fa;
  display: grid; grid-template-rows: auto 1fr auto auto; gap: 2.4vh; font-size: 2.6vh; }
#status-panel .sp-head { display: flex; justify-content: space-between; align-items: baseline; color: #9fb3c8; font-size: 3.4vh; }
#status-panel .sp-clock { font-size: 7vh; font-weight: 700; color: #fff; font-variant-numeric: tabular-nums; }
#status-panel .sp-now { background: #15293a; border-left: 1.2vh solid #ffcf3f; border-radius: 1vh; padding: 2.4vh 3vw; display: flex; flex-direction: column; justify-content: center; min-height: 0; }
#status-panel .sp-label { font-size: 3vh; color: #9fb3c8; }
#status-panel .sp-now-title { font-size: 8.4vh; font-weight: 700; line-height: 1.2; overflow: hidden; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; }
#status-panel .sp-now-detail { margin-top: 1vh; font-size: 3.4vh; color: #c4d3e2; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-variant-numeric: tabular-nums; }
#status-panel .sp-badge { display: inline-block; margin-left: 1vw; padding: 0.2vh 1vw; border-radius: 0.8vh; background: #ffcf3f; color: #1b1300; font-size: 2.8vh; font-weight: 700; vertical-align: middle; }
#status-panel.is-idle .sp-now { border-left-color: #4a6178; }
#status-panel.is-idle .sp-now-title { color: #9fb3c8; }
#status-panel .sp-pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 2vw; }
#status-panel .sp-value { font-size: 5vh; font-weight: 700; line-height: 1.25; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
#status-panel .sp-tiles { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 1.4vw; }
#status-panel .sp-tile { background: #15293a; border-radius: 1vh; padding: 1.6vh 1.4vw; min-width: 0; }
#status-panel .sp-tile .sp-value { font-size: 5.4vh; }
#status-panel .sp-note { font-size: 2.8vh; color: #c4d3e2; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#status-panel .is-bad { color: #ff6b60; }
#status-panel .is-warn { color: #ffcf3f; }
`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, parent?: HTMLElement, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  parent?.append(node);
  return node;
}

export function createStatusPanel(root: HTMLElement, s: StationStrings, timeZone: () => string | undefined) {
  const style = document.createElement('style');
  style.textContent = CSS;
  document.head.append(style);

  const panel = el('div', '', root);
  panel.id = 'status-panel';
  const head = el('div', 'sp-head', panel);
  const name = el('span', 'sp-name', head);
  const clock = el('span', 'sp-clock', head);

  const nowBox = el('div', 'sp-now', panel);
  nowBox.dataset.field = 'now';
  el('div', 'sp-label', nowBox, s.nowPlaying);
  const nowTitle = el('div', 'sp-now-title', nowBox);
  const nowDetail = el('div', 'sp-now-detail', nowBox);

  const pair = el('div', 'sp-pair', panel);
  const cell = (parent: HTMLElement, label: string, field: string) => {
    const box = el('div', 'sp-cell', parent);
    box.dataset.field = field;
    el('div', 'sp-label', box, label);
    return { value: el('div', 'sp-value', box), box };
  };
  const next = cell(pair, s.next, 'next');
  const broadcast = cell(pair, s.nextBroadcast, 'next-broadcast');

  const tiles = el('div', 'sp-tiles', panel);
  const tile = (label: string, field: string) => {
    const box = el('div', 'sp-tile', tiles);
    box.dataset.field = field;
    el('div', 'sp-label', box, label);
    return { value: el('div', 'sp-value', box), note: el('div', 'sp-note', box) };
  };
  const volume = tile(s.volume, 'volume');
  const quiet = tile(s.quiet, 'quiet');
  const network = tile(s.network, 'network');
  const sync = tile(s.lastSync, 'last-sync');

  const hhmm = (d: Date) => formatTime(d, timeZone(), false);

  return {
    render(status: StationStatus): void {
      const dayTime = (d: Date) => formatDayTime(d, status.clock, timeZone());
      name.textContent = status.screenName ? `${s.title} · ${status.screenName}` : s.title;
      clock.textContent = formatTime(status.clock, timeZone(), true);
      panel.classList.toggle('is-idle', !status.now);
      nowTitle.textContent = status.now?.title ?? (status.quiet.isQuiet ? s.quietIdle : s.idle);
      if (status.now?.isBroadcast) el('span', 'sp-badge', nowTitle, s.broadcastBadge);
      const left = status.now?.endsAt ? Math.max(0, Math.round((status.now.endsAt.getTime() - status.clock.getTime()) / 1000)) : null;
      nowDetail.textContent = status.now ? [status.now.programme, left === null ? '' : s.remaining(`${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`)].filter(Boolean).join(' · ') : '';
      next.value.textContent = status.next ? `${status.next.at ? `${formatTime(status.next.at, timeZone(), true)}  ` : ''}${status.next.title}` : '—';
      broadcast.value.textContent = status.nextBroadcast ? `${dayTime(status.nextBroadcast.at)}  ${status.nextBroadcast.name}` : s.noBroadcast;

      const v = status.volume;
      volume.value.textContent = v ? `${v.volume}%` : '—';
      volume.value.classList.toggle('is-warn', !!v && v.volume === 0);
      volume.note.textContent = v ? [s.volumeBy[v.source], v.until ? s.until(dayTime(new Date(v.until))) : ''].filter(Boolean).join(' · ') : '';

      quiet.value.textContent = status.quiet.isQuiet ? s.quietOn : s.quietOff;
      quiet.value.classList.toggle('is-warn', status.quiet.isQuiet);
      quiet.note.textContent = status.quiet.change ? (status.quiet.isQuiet ? s.until(dayTime(status.quiet.change)) : s.from(dayTime(status.quiet.change))) : '';

      network.value.textContent = status.isOnline ? s.online : s.offline;
      network.value.classList.toggle('is-bad', !status.isOnline);
      network.note.textContent = s.since(dayTime(status.connectionSince));

      sync.value.textContent = status.lastSync ? hhmm(status.lastSync) : s.never;
      sync.note.textContent = status.lastSync ? formatDate(status.lastSync, timeZone()) : '';
    },
  };
}

function format(date: Date, timeZone: string | undefined, options: Intl.DateTimeFormatOptions): string {
  try {
    return new Intl.DateTimeFormat('zh-CN', { timeZone, hourCycle: 'h23', ...options }).format(date);
  } catch {
    return new Intl.DateTimeFormat('zh-CN', { hourCycle: 'h23', ...options }).format(date);
  }
}
const formatTime = (d: Date, tz: string | undefined, seconds: boolean) => format(d, tz, { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) });
const formatDate = (d: Date, tz: string | undefined) => format(d, tz, { year: 'numeric', month: '2-digit', day: '2-digit' });
/** "12:00" today, "5/3 12:00" on another day (both in the screen's zone). */
function formatDayTime(d: Date, today: Date, tz: string | undefined): string {
  const day = (x: Date) => format(x, tz, { month: 'numeric', day: 'numeric' });
  const time = formatTime(d, tz, false);
  return day(d) === day(today) ? time : `${day(d)} ${time}`;
}
