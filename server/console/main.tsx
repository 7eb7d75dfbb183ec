// The staff console: sign-in, then one page per job (hash routes), a header with the urgent-alert
// button, and live updates over /ws/console. Talks to the server only through the HTTP API.
// First: zod must never probe for eval under the CSP (see player/zod-jitless.ts).
import '../../player/zod-jitless.js';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { whenSignedOut } from './api.js';
import { setTimeZone } from './format.js';
import { navigate, useRoute } from './hooks.js';
import { lang, t } from './i18n.js';
import { connectLive, onLiveState } from './live.js';
import { ActiveAlerts, AlertButton } from './pages/alerts.js';
import { AuditPage } from './pages/audit.js';
import { DashboardPage } from './pages/dashboard.js';
import { LoginPage, PasswordChange } from './pages/login.js';
import { MediaPage } from './pages/media.js';
import { PlaylistsPage } from './pages/playlists.js';
import { ProofPage } from './pages/proof.js';
import { ReportsPage } from './pages/reports.js';
import { CampaignReportsPage } from './pages/campaign-reports.js';
import { WeeklyPage } from './pages/weekly.js';
import { SchedulesPage } from './pages/schedules.js';
import { ScreensPage } from './pages/screens.js';
import { RegisterPage } from './pages/register.js';
import { UsersPage } from './pages/users.js';
import { can, loadSession, logOut, signedOut, type Session } from './session.js';
import './console.css';
import { DiskBanner } from './disk-banner.js';

type PageName = keyof typeof t.nav;
const PAGES: { name: PageName; icon: string; permission?: string }[] = [
  { name: 'dashboard', icon: '◉' },
  { name: 'media', icon: '▣' },
  { name: 'playlists', icon: '☰' },
  { name: 'schedules', icon: '▦' },
  { name: 'screens', icon: '▭' },
  { name: 'register', icon: '⌂' },
  { name: 'reports', icon: '▤' },
  { name: 'proof', icon: '✓' },
  { name: 'campaign', icon: '▥' },
  { name: 'weekly', icon: '▧' },
  { name: 'audit', icon: '✎', permission: 'audit:read' },
  { name: 'users', icon: '☺', permission: 'users:admin' },
];

function Page({ route }: { route: string[] }) {
  const [name, id] = route;
  switch (name) {
    case 'media':
      return <MediaPage />;
    case 'playlists':
      return <PlaylistsPage selected={id} />;
    case 'schedules':
      return <SchedulesPage />;
    case 'screens':
      return <ScreensPage selected={id} />;
    case 'register':
      return <RegisterPage />;
    case 'reports':
      return <ReportsPage />;
    case 'proof':
      return <ProofPage />;
    case 'campaign':
      return <CampaignReportsPage tab={id} />;
    case 'weekly':
      return <WeeklyPage />;
    case 'audit':
      return can('audit:read') ? <AuditPage /> : <DashboardPage />;
    case 'users':
      return can('users:admin') ? <UsersPage /> : <DashboardPage />;
    default:
      return <DashboardPage />;
  }
}

function Shell({ session, onLogOut }: { session: Session; onLogOut: () => void }) {
  const route = useRoute();
  const [live, setLive] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  useEffect(() => onLiveState(setLive), []);
  const current = (route[0] ?? 'dashboard') as PageName;
  const user = session.user;
  return (
    <div class="shell">
      <aside class="sidebar">
        <div class="brand">Crier<small>{t.title}</small></div>
        <nav>
          {PAGES.filter((p) => !p.permission || can(p.permission)).map((p) => (
            <a href={`#/${p.name}`} class={current === p.name ? 'active' : ''} data-page={p.name}>
              <span class="icon">{p.icon}</span> {t.nav[p.name]}
            </a>
          ))}
        </nav>
      </aside>
      <div class="content">
        <header class="topbar">
          <AlertButton />
          <span class="spacer" />
          <span class={`live ${live ? 'on' : ''}`} title={live ? t.liveHint : t.notLiveHint} data-testid="live">{live ? `● ${t.live}` : `○ ${t.notLive}`}</span>
          {session.hasAccounts && (
            <span class="who" data-testid="who" data-role={user.role}>
              <strong>{user.displayName}</strong> · {t.roles[user.role] ?? user.role}{user.township ? ` · ${user.township}` : ''}
              <button class="link" name="change-password" onClick={() => setChangingPassword(!changingPassword)}>{t.changePassword}</button>
            </span>
          )}
          <a href={`${lang === 'en' ? '?' : '?lang=en'}${location.hash}`}>{t.otherLanguage}</a>
          <a href="/docs" target="_blank" rel="noopener">API</a>
          {session.hasAccounts && <button name="logout" onClick={onLogOut}>{t.logout}</button>}
        </header>
        <DiskBanner />
        <ActiveAlerts />
        {changingPassword && <PasswordChange forced={false} onDone={() => setChangingPassword(false)} />}
        <main>
          <Page route={route} />
        </main>
      </div>
    </div>
  );
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [error, setError] = useState(false);
  useEffect(() => {
    whenSignedOut(() => (signedOut(), setSession(null)));
    const load = () =>
      loadSession().then(
        (s) => (setSession(s), setError(false)),
        () => (setError(true), setTimeout(load, 3000)),
      );
    void load();
    fetch('/healthz').then((r) => r.json()).then((h: { timeZone: string }) => setTimeZone(h.timeZone), () => undefined);
  }, []);
  // The live socket needs the session cookie: open it once signed in, close it on sign-out.
  useEffect(() => (session ? connectLive() : undefined), [session]);
  if (error && session === undefined) return <p class="error">{t.loadError}</p>;
  if (session === undefined) return <p class="muted">{t.loading}</p>;
  if (session === null) return <LoginPage onSignedIn={(s) => (setSession(s), route0() === '' && navigate('dashboard'))} />;
  if (session.user.mustChangePassword) {
    return (
      <main class="login">
        <PasswordChange forced onDone={() => void loadSession().then((s) => setSession(s))} />
      </main>
    );
  }
  return <Shell session={session} onLogOut={() => void logOut().then(() => setSession(null))} />;
}

const route0 = () => location.hash.replace(/^#\/?/, '');

document.title = `Crier · ${t.title}`;
document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
render(<App />, document.getElementById('app')!);
