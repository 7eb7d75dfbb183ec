// At a glance: per township how many screens are on air, what each airs and when it was last heard
// from; screens silent for more than 10 minutes stand out so someone can go and look.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { Loading } from '../components.js';
import { formatTime, minutesSince } from '../format.js';
import { useResource } from '../hooks.js';
import { pick, t } from '../i18n.js';
import { onAiring } from '../live.js';
import type { ConsoleEvent } from '../console.protocol.js';
import type { Alert, MediaItem, ScreenWithStatus } from '../types.js';
import type { StoredPlay } from '../../storage/airing.store.js';

type AiringEvent = Extract<ConsoleEvent, { type: 'airing' }>;

/** Offline longer than this and a screen needs a visit, not patience. */
export const STALE_MINUTES = 10;

const s = pick(
  {
    heading: '屏幕总览',
    onlineOf: (online: number, total: number) => `${online} / ${total} 在线`,
    stale: (n: number) => `${n} 块离线超过 ${STALE_MINUTES} 分钟`,
    staleBadge: `离线超过 ${STALE_MINUTES} 分钟`,
    airing: '正在播放',
    lastSeen: '最近联系',
    noScreens: '还没有屏幕。在屏幕电脑的浏览器中打开',
    alerts: (n: number) => `${n} 条紧急插播正在播出`,
    plays: '最新播放记录',
    item: '节目',
    start: '开始',
    completed: '完整播放',
    noPlays: '还没有播放记录。',
    silentStations: (n: number) => `${n} 个广播站未来 24 小时没有音频可播（含静音时段）：`,
    soundBlocked: '声音被浏览器阻止',
    alertAiring: '紧急插播',
  },
  {
    heading: 'Screens at a glance',
    onlineOf: (online: number, total: number) => `${online} of ${total} online`,
    stale: (n: number) => `${n} offline for more than ${STALE_MINUTES} minutes`,
    staleBadge: `offline > ${STALE_MINUTES} min`,
    airing: 'Airing',
    lastSeen: 'Last seen',
    noScreens: 'No screens yet. On the screen PC open',
    alerts: (n: number) => `${n} urgent alert(s) on air`,
    plays: 'Latest play records',
    item: 'Item',
    start: 'Started',
    completed: 'Completed',
    noPlays: 'No play records yet.',
    silentStations: (n: number) => `${n} broadcast station(s) have no audio to play in the next 24 hours (quiet hours included):`,
    soundBlocked: 'sound blocked',
    alertAiring: 'alert',
  },
);

const isStale = (screen: ScreenWithStatus, now: number) => {
  if (screen.status.isOnline) return false;
  const since = minutesSince(screen.status.lastHeartbeatAt ?? screen.createdAt, now);
  return since !== null && since >= STALE_MINUTES;
};

export function DashboardPage() {
  // What a screen airs changes as plays arrive ('plays'); heartbeats alone send no event.
  const screens = useResource(() => get<ScreenWithStatus[]>('/screens'), ['screens', 'catalogue', 'plays']);
  const alerts = useResource(() => get<Alert[]>('/alerts?active=true'), ['catalogue']);
  const plays = useResource(() => get<{ total: number; records: StoredPlay[] }>('/plays?limit=15'), ['plays']);
  const media = useResource(() => get<MediaItem[]>('/media'), ['catalogue']);
  const live = useLiveAiring();
  const silentStations = useResource(() => get<{ screenId: string; name: string }[]>('/screens/stations-without-audio'), ['catalogue', 'screens']);
  if (!screens.data) return <Loading error={screens.error} />;
  const now = Date.now();
  const byTownship = new Map<string, ScreenWithStatus[]>();
  for (const screen of screens.data) {
    const key = screen.township ?? '';
    byTownship.set(key, [...(byTownship.get(key) ?? []), screen]);
  }
  const townships = [...byTownship.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b, 'zh-CN')));
  const online = screens.data.filter((x) => x.status.isOnline).length;
  const stale = screens.data.filter((x) => isStale(x, now)).length;
  return (
    <section>
      <h2>
        {s.heading} <small data-testid="summary">{s.onlineOf(online, screens.data.length)}</small>
        {stale > 0 && <span class="pill danger" data-testid="stale-count">{s.stale(stale)}</span>}
        {alerts.data && alerts.data.length > 0 && <span class="pill alert">{s.alerts(alerts.data.length)}</span>}
      </h2>
      {screens.data.length === 0 && (
        <p class="empty">
          {s.noScreens} <code>{`${location.origin}/player`}</code>
        </p>
      )}
      {silentStations.data && silentStations.data.length > 0 && (
        <div class="warning" role="alert" data-testid="silent-stations">
          {s.silentStations(silentStations.data.length)}{' '}
          {silentStations.data.map((x, i) => (
            <>{i > 0 && pick<string>('、', ', ')}<a href={`#/screens/${encodeURIComponent(x.screenId)}`}>{x.name}</a></>
          ))}
        </div>
      )}
      <div class="township-cards">
        {townships.map(([township, list]) => {
          const on = list.filter((x) => x.status.isOnline).length;
          return (
            <div class="township-card" data-township={township}>
              <strong>{township || t.noTownship}</strong>
              <div class="counts">
                <span class="ok">{on}</span> / {list.length} <small>{t.online}</small>
              </div>
              <div class="bar"><i style={{ width: `${(100 * on) / list.length}%` }} /></div>
            </div>
          );
        })}
      </div>
      {townships.map(([township, list]) => (
        <div class="township-block">
          <h3>{township || t.noTownship}</h3>
          <table data-testid="dashboard-screens">
            <thead>
              <tr><th>{t.name}</th><th>{t.state}</th><th>{s.airing}</th><th>{s.lastSeen}</th><th>{t.site}</th></tr>
            </thead>
            <tbody>
              {[...list]
                .sort((a, b) => Number(isStale(b, now)) - Number(isStale(a, now)) || Number(a.status.isOnline) - Number(b.status.isOnline) || a.name.localeCompare(b.name, 'zh-CN'))
                .map((screen) => {
                  const staleNow = isStale(screen, now);
                  const since = minutesSince(screen.status.lastHeartbeatAt, now);
                  return (
                    <tr key={screen.id} data-screen-id={screen.id} class={screen.status.isOnline ? 'is-online' : staleNow ? 'is-offline stale' : 'is-offline'}>
                      <td>
                        <a href={`#/screens/${encodeURIComponent(screen.id)}`}>{screen.name}</a>
                        {screen.isProvisional && <span class="badge">{t.provisional}</span>}
                      </td>
                      <td>
                        <span class="dot" /> {screen.status.isOnline ? t.online : t.offline}
                        {staleNow && <span class="pill danger">{s.staleBadge}</span>}
                        {screen.status.isOnline && screen.status.soundBlocked && <span class="pill danger" data-testid="sound-blocked">{s.soundBlocked}</span>}
                      </td>
                      <td data-testid="airing"><Airing screen={screen} live={live.get(screen.id)} media={media.data ?? []} /></td>
                      <td title={formatTime(screen.status.lastHeartbeatAt, true)}>{since === null ? t.never : t.ago(since)}</td>
                      <td class="muted">{[screen.site, screen.siteType].filter(Boolean).join(' · ') || '—'}</td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </div>
      ))}
      <h3>{s.plays}</h3>
      <LatestPlays plays={plays.data?.records ?? []} screens={screens.data} media={media.data ?? []} />
    </section>
  );
}

/** Items going on air as the players say so (the `airing` frame), newest per screen; the page's list fills in between. */
function useLiveAiring(): Map<string, AiringEvent> {
  const [live, setLive] = useState(() => new Map<string, AiringEvent>());
  useEffect(() => onAiring((event) => setLive((before) => new Map(before).set(event.screenId, event))), []);
  return live;
}

function Airing({ screen, live, media }: { screen: ScreenWithStatus; live: AiringEvent | undefined; media: MediaItem[] }) {
  const listed = screen.status.airing;
  // Whichever is newer: the live frame or the list's (heartbeat) state.
  const current = live && (!listed || live.startedAt >= listed.startedAt) ? { mediaId: live.mediaId, isAlert: live.isAlert } : listed ? { mediaId: listed.mediaId, isAlert: !!screen.status.isAlertAiring } : null;
  if (!current) return <>—</>;
  const title = media.find((m) => m.id === current.mediaId)?.title ?? (listed?.mediaId === current.mediaId ? listed.title : null) ?? current.mediaId;
  return (
    <span data-media-id={current.mediaId} data-alert={current.isAlert ? 'true' : undefined}>
      {current.isAlert && <span class="pill alert">{s.alertAiring}</span>} {title}
    </span>
  );
}

function LatestPlays({ plays, screens, media }: { plays: StoredPlay[]; screens: ScreenWithStatus[]; media: MediaItem[] }) {
  if (plays.length === 0) return <p class="empty">{s.noPlays}</p>;
  const names = new Map(screens.map((x) => [x.id, x.name]));
  const titles = new Map(media.map((m) => [m.id, m.title]));
  return (
    <table data-testid="plays">
      <thead>
        <tr><th>{t.screen}</th><th>{s.item}</th><th>{s.start}</th><th>{s.completed}</th></tr>
      </thead>
      <tbody>
        {plays.map((p) => (
          <tr key={p.id} data-play-id={p.id}>
            <td>{names.get(p.screenId) ?? p.screenId}</td>
            <td>{titles.get(p.mediaId) ?? p.mediaId}</td>
            <td>{formatTime(p.startedAt, true)}</td>
            <td>{p.completed ? t.yes : t.no}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
