// The first staff page: every screen's live status and the latest proof of airing.
// Talks to the server only through the HTTP API; refreshes every few seconds.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ScreenWithStatus } from '../api.schema.js';
import type { StoredPlay } from '../storage/airing.store.js';
import type { Job } from '../services/media-job.schema.js';
import { lang, t } from './i18n.js';
import { subscribeConsoleEvents } from './live.js';
import './console.css';

/** Polling is the fallback; the live socket triggers a reload as soon as something changes. */
const REFRESH_MS = 5000;

interface Snapshot {
  screens: ScreenWithStatus[];
  plays: { total: number; records: StoredPlay[] };
  timeZone: string;
  titles: Map<string, string>;
  jobs: Job[];
  at: Date;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function load(): Promise<Snapshot> {
  const [screens, plays, health, media, jobs] = await Promise.all([
    getJson<ScreenWithStatus[]>('/api/v1/screens'),
    getJson<Snapshot['plays']>('/api/v1/plays?limit=50'),
    getJson<{ timeZone: string }>('/healthz'),
    getJson<{ id: string; title: string }[]>('/api/v1/media'),
    getJson<Job[]>('/api/v1/jobs'),
  ]);
  return { screens, plays, jobs, timeZone: health.timeZone, titles: new Map(media.map((m) => [m.id, m.title])), at: new Date() };
}

const formatTime = (iso: string | null, timeZone: string) =>
  iso
    ? new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone, hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : t.never;

async function sendCommand(screenId: string, command: 'identify' | 'reload') {
  await fetch(`/api/v1/screens/${encodeURIComponent(screenId)}/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ command }),
  });
}

function ScreensTable({ s }: { s: Snapshot }) {
  if (s.screens.length === 0) {
    return (
      <p class="empty">
        {t.noScreens} <code>{`${location.origin}/player`}</code>
      </p>
    );
  }
  const sorted = [...s.screens].sort((a, b) => Number(b.status.isOnline) - Number(a.status.isOnline) || a.name.localeCompare(b.name, 'zh-CN'));
  return (
    <table data-testid="screens">
      <thead>
        <tr><th>{t.name}</th><th>{t.state}</th><th>{t.nowPlaying}</th><th>{t.lastHeartbeat}</th><th>{t.manifest}</th><th>{t.player}</th><th /></tr>
      </thead>
      <tbody>
        {sorted.map((screen) => (
          <tr key={screen.id} data-screen-id={screen.id} class={screen.status.isOnline ? 'is-online' : 'is-offline'}>
            <td>
              <strong>{screen.name}</strong>
              {screen.isProvisional && <span class="badge">{t.provisional}</span>}
              <div class="muted">{screen.id}</div>
            </td>
            <td><span class="dot" /> {screen.status.isOnline ? t.online : t.offline}</td>
            <td>{screen.status.airing ? screen.status.airing.title ?? screen.status.airing.mediaId : '—'}</td>
            <td>{formatTime(screen.status.lastHeartbeatAt, s.timeZone)}</td>
            <td class="mono">{screen.status.appliedManifestVersion ?? '—'}</td>
            <td class="muted">{screen.status.playerVersion ?? '—'}{screen.status.screenSize ? ` · ${screen.status.screenSize.width}×${screen.status.screenSize.height}` : ''}</td>
            <td class="actions">
              <button disabled={!screen.status.isOnline} onClick={() => sendCommand(screen.id, 'identify')}>{t.identify}</button>
              <button disabled={!screen.status.isOnline} onClick={() => sendCommand(screen.id, 'reload')}>{t.reload}</button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PlaysTable({ s }: { s: Snapshot }) {
  if (s.plays.records.length === 0) return <p class="empty">{t.noPlays}</p>;
  const names = new Map(s.screens.map((x) => [x.id, x.name]));
  return (
    <table data-testid="plays">
      <thead>
        <tr><th>{t.screen}</th><th>{t.item}</th><th>{t.start}</th><th>{t.end}</th><th>{t.completed}</th></tr>
      </thead>
      <tbody>
        {s.plays.records.map((p) => (
          <tr key={p.id} data-play-id={p.id}>
            <td>{names.get(p.screenId) ?? p.screenId}</td>
            <td>{s.titles.get(p.mediaId) ?? p.mediaId}</td>
            <td>{formatTime(p.startedAt, s.timeZone)}</td>
            <td>{formatTime(p.endedAt, s.timeZone)}</td>
            <td>{p.completed ? t.yes : t.no}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function JobsTable({ jobs, titles }: { jobs: Job[]; titles: Map<string, string> }) {
  // Finished jobs stay listed while the page is open, so staff see what just became ready or failed.
  const shown = [...jobs].reverse().slice(0, 20);
  return (
    <table data-testid="jobs">
      <thead>
        <tr><th>{t.item}</th><th>{t.jobKind}</th><th>{t.state}</th><th>{t.progress}</th></tr>
      </thead>
      <tbody>
        {shown.map((job) => (
          <tr key={job.id} data-job-id={job.id} data-job-state={job.state}>
            <td>{titles.get(job.mediaId) ?? job.mediaId}</td>
            <td>{job.kind === 'video' ? t.video : t.audio}</td>
            <td>{t.jobStates[job.state]}{job.error ? ` — ${job.error.message}` : ''}</td>
            <td><progress max={100} value={job.progress} /> {Math.round(job.progress)}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function App() {
  const [snapshot, setSnapshot] = useState<Snapshot | null>(null);
  const [error, setError] = useState(false);
  const [liveJobs, setLiveJobs] = useState<Map<string, Job>>(new Map());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      clearTimeout(timer);
      load()
        .then((s) => (setSnapshot(s), setError(false)))
        .catch(() => setError(true))
        .finally(() => (timer = setTimeout(tick, REFRESH_MS)));
    };
    tick();
    const unsubscribe = subscribeConsoleEvents((event) => {
      if (event.type === 'refresh') tick();
      else setLiveJobs((jobs) => new Map(jobs).set(event.job.id, event.job));
    });
    return () => (clearTimeout(timer), unsubscribe());
  }, []);
  // Live job events win over the last poll: they are newer.
  const jobs = snapshot ? [...new Map([...snapshot.jobs.map((j) => [j.id, j] as const), ...liveJobs]).values()] : [];
  const online = snapshot?.screens.filter((s) => s.status.isOnline).length ?? 0;
  return (
    <main>
      <header>
        <h1>Crier · {t.title}</h1>
        <nav>
          <a href={lang === 'en' ? '?' : '?lang=en'}>{lang === 'en' ? '中文' : 'English'}</a>
          <a href="/docs">API</a>
          <a href="/player" target="_blank" rel="noopener">{t.player}</a>
        </nav>
      </header>
      {error && <p class="error">{t.loadError}</p>}
      {snapshot && (
        <>
          <section>
            <h2>{t.screens} <small data-testid="summary">{t.summary(online, snapshot.screens.length)}</small></h2>
            <ScreensTable s={snapshot} />
          </section>
          {jobs.length > 0 && (
            <section>
              <h2>{t.jobs}</h2>
              <JobsTable jobs={jobs} titles={snapshot.titles} />
            </section>
          )}
          <section>
            <h2>{t.plays} <small>{t.total} {snapshot.plays.total} {t.records}</small></h2>
            <PlaysTable s={snapshot} />
          </section>
          <footer class="muted">{t.updated} {formatTime(snapshot.at.toISOString(), snapshot.timeZone)} ({snapshot.timeZone})</footer>
        </>
      )}
    </main>
  );
}

document.title = `Crier · ${t.title}`;
document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
render(<App />, document.getElementById('app')!);
