// Campaign reports (宣传报表): coverage, compliance, topic mix and one screen-day's proof, each as a table
// here and as PDF, XLSX or CSV to download (the server draws them; the console only links).
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { Loading } from '../components.js';
import { formatTime, localDate } from '../format.js';
import { useResource } from '../hooks.js';
import { pick, t } from '../i18n.js';

const s = pick(
  {
    heading: '宣传报表',
    tabs: { coverage: '覆盖情况', compliance: '执行情况', topics: '内容构成', proof: '单屏播出证明' },
    minMinutes: '每天至少（分钟）',
    villages: '村/社区', covered: '已覆盖', coverage: '覆盖率', screens: '屏幕', stations: '广播', online: '每日在线', working: '每日达标',
    uncovered: '未覆盖的村/社区', noDevice: '无屏幕或广播', notAiring: '有设备但未达标', allCovered: '所有村/社区均已覆盖。', emptyRegister: '点位登记中还没有村/社区，无法统计覆盖：请先在“点位登记”导入全县村/社区名单。',
    milestone: (name: string, due: string, pct: string, met: boolean) => `${name}（截止 ${due}）：当前 ${pct}，${met ? '已达成' : '未达成'}`,
    planned: '计划分钟', aired: '实播分钟', ratio: '执行率', plays: '实播次数', missed: '漏播的定时广播', noneMissed: '没有漏播。',
    topic: '类型', minutes: '分钟', share: '占比', high: '高发',
    day: '日期', screen: '屏幕', timeline: '播出记录', chain: '哈希链', chainOk: (n: number) => `完整（已校验 ${n} 条）`, chainBad: '发现篡改', chainNone: '无哈希链',
    status: { completed: '完整播出', cut: '中断', 'not-aired': '未播出', aired: '已播出' } as Record<string, string>,
  },
  {
    heading: 'Campaign reports',
    tabs: { coverage: 'Coverage', compliance: 'Compliance', topics: 'Topic mix', proof: 'Proof (one screen-day)' },
    minMinutes: 'At least (min/day)',
    villages: 'Villages', covered: 'Covered', coverage: 'Coverage', screens: 'Screens', stations: 'Stations', online: 'Online daily', working: 'Working daily',
    uncovered: 'Villages not covered', noDevice: 'no screen or loudspeaker', notAiring: 'devices not airing enough', allCovered: 'Every village is covered.', emptyRegister: 'The register has no villages or communities yet, so coverage cannot be counted: import the county\'s list under Register first.',
    milestone: (name: string, due: string, pct: string, met: boolean) => `${name} (due ${due}): now ${pct}, ${met ? 'met' : 'not met'}`,
    planned: 'Planned min', aired: 'Aired min', ratio: 'Aired/planned', plays: 'Plays', missed: 'Fixed-time broadcasts missed', noneMissed: 'None missed.',
    topic: 'Type', minutes: 'Minutes', share: 'Share', high: 'High incidence',
    day: 'Day', screen: 'Screen', timeline: 'As-run', chain: 'Hash chain', chainOk: (n: number) => `intact (${n} checked)`, chainBad: 'tampered', chainNone: 'no chain',
    status: { completed: 'completed', cut: 'cut', 'not-aired': 'not aired', aired: 'aired' } as Record<string, string>,
  },
);
type Tab = keyof typeof s.tabs;
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Links to the same report drawn by the server. */
export function Downloads({ path, query }: { path: string; query: string }) {
  return (
    <span class="downloads" data-testid="downloads">
      {(['pdf', 'xlsx', 'csv'] as const).map((f) => <a class="button" href={`/api/v1/${path}/${f}?${query}`} download data-format={f}>{f.toUpperCase()}</a>)}
    </span>
  );
}

interface CoverageTownship { townshipId: string; name: string; villages: number; villagesCovered: number; coverage: number | null; screens: number; stations: number; online: number; working: number }
interface Coverage { townships: CoverageTownship[]; villages: { villageId: string; townshipName: string; name: string; isCovered: boolean; gap: 'no-device' | 'not-airing' | null }[]; milestone: { name: string; dueDate: string; coverage: number | null; isMet: boolean } | null }
function CoverageTab({ query }: { query: string }) {
  const r = useResource(() => get<Coverage>(`/reports/coverage?${query}`), ['plays', 'catalogue'], [query]);
  if (!r.data) return <Loading error={r.error} />;
  const uncovered = r.data.villages.filter((v) => !v.isCovered);
  const m = r.data.milestone;
  return (
    <div>
      {m && <p data-testid="milestone">{s.milestone(m.name, m.dueDate, pct(m.coverage), m.isMet)}</p>}
      <table data-testid="coverage-table">
        <thead><tr><th>{t.township}</th><th class="num">{s.villages}</th><th class="num">{s.covered}</th><th class="num">{s.coverage}</th><th class="num">{s.screens}</th><th class="num">{s.stations}</th><th class="num">{s.online}</th><th class="num">{s.working}</th></tr></thead>
        <tbody>
          {r.data.townships.map((x) => (
            <tr data-township-id={x.townshipId}><td>{x.name}</td><td class="num">{x.villages}</td><td class="num">{x.villagesCovered}</td><td class="num">{pct(x.coverage)}</td><td class="num">{x.screens}</td><td class="num">{x.stations}</td><td class="num">{x.online}</td><td class="num">{x.working}</td></tr>
          ))}
        </tbody>
      </table>
      <h3>{s.uncovered}</h3>
      {r.data.villages.length === 0 ? <p class="empty" data-testid="empty-register">{s.emptyRegister}</p> : uncovered.length === 0 ? <p class="empty">{s.allCovered}</p> : (
        <ul data-testid="uncovered">{uncovered.map((v) => <li>{v.townshipName} · {v.name} <small class="muted">（{v.gap === 'no-device' ? s.noDevice : s.notAiring}）</small></li>)}</ul>
      )}
    </div>
  );
}

interface ComplianceRow { id: string; name: string; plannedMinutes: number; airedMinutes: number; airtimeRatio: number | null; plays: number }
interface Compliance { townships: ComplianceRow[]; missedBroadcasts: { screenName: string; townshipName: string; villageName: string; plannedAt: string; playlistName: string | null; reason: string }[] }
function ComplianceTab({ query }: { query: string }) {
  const r = useResource(() => get<Compliance>(`/reports/compliance?${query}`), ['plays', 'catalogue'], [query]);
  if (!r.data) return <Loading error={r.error} />;
  return (
    <div>
      <table data-testid="compliance-table">
        <thead><tr><th>{t.township}</th><th class="num">{s.planned}</th><th class="num">{s.aired}</th><th class="num">{s.ratio}</th><th class="num">{s.plays}</th></tr></thead>
        <tbody>{r.data.townships.map((x) => <tr><td>{x.name}</td><td class="num">{x.plannedMinutes}</td><td class="num">{x.airedMinutes}</td><td class="num">{pct(x.airtimeRatio)}</td><td class="num">{x.plays}</td></tr>)}</tbody>
      </table>
      <h3>{s.missed}</h3>
      {r.data.missedBroadcasts.length === 0 ? <p class="empty">{s.noneMissed}</p> : (
        <ul>{r.data.missedBroadcasts.map((b) => <li>{formatTime(b.plannedAt)} · {b.townshipName} {b.villageName} · {b.screenName} · {b.playlistName} — {b.reason}</li>)}</ul>
      )}
    </div>
  );
}

function TopicsTab({ query }: { query: string }) {
  const r = useResource(() => get<{ topics: { topic: string; isHighIncidence: boolean; airedMinutes: number; share: number | null }[] }>(`/reports/topic-mix?${query}`), ['plays', 'catalogue'], [query]);
  if (!r.data) return <Loading error={r.error} />;
  return (
    <table data-testid="topics-table">
      <thead><tr><th>{s.topic}</th><th class="num">{s.minutes}</th><th class="num">{s.share}</th></tr></thead>
      <tbody>{r.data.topics.map((x) => <tr><td>{x.topic}{x.isHighIncidence && <small class="muted"> · {s.high}</small>}</td><td class="num">{x.airedMinutes}</td><td class="num">{pct(x.share)}</td></tr>)}</tbody>
    </table>
  );
}

interface Proof { lines: { plannedAt: string | null; startedAt: string | null; endedAt: string | null; title: string | null; source: string | null; status: string; reason: string | null }[]; chain: { available: boolean; ok: boolean; checked: number } }
function ProofTab({ day }: { day: string }) {
  const screens = useResource(() => get<{ id: string; name: string; isProvisional: boolean }[]>('/screens'), ['screens']);
  const [screenId, setScreenId] = useState('');
  const query = `screenId=${encodeURIComponent(screenId)}&day=${day}`;
  const r = useResource(() => (screenId ? get<Proof>(`/reports/proof?${query}`) : Promise.resolve(null)), ['plays'], [query]);
  return (
    <div>
      <label class="inline">{s.screen} <select name="screen" value={screenId} onChange={(e) => setScreenId((e.target as HTMLSelectElement).value)}>
        <option value="">—</option>
        {(screens.data ?? []).filter((x) => !x.isProvisional).map((x) => <option value={x.id}>{x.name}</option>)}
      </select></label>
      {screenId && <Downloads path="reports/proof" query={query} />}
      {r.data && (
        <div>
          <p data-testid="chain">{s.chain}：{!r.data.chain.available ? s.chainNone : r.data.chain.ok ? s.chainOk(r.data.chain.checked) : s.chainBad}</p>
          <table data-testid="proof-table">
            <tbody>{r.data.lines.map((l) => <tr class={l.status}><td>{formatTime(l.startedAt ?? l.plannedAt, true)}</td><td>{formatTime(l.endedAt, true)}</td><td>{l.title ?? ''}</td><td>{s.status[l.status]}</td><td>{l.reason ?? l.source ?? ''}</td></tr>)}</tbody>
          </table>
        </div>
      )}
      {r.error && <Loading error={r.error} />}
    </div>
  );
}

export function CampaignReportsPage({ tab = 'coverage' }: { tab?: string | undefined }) {
  const yesterday = addDays(localDate(Date.now()), -1);
  const [from, setFrom] = useState(addDays(yesterday, -6));
  const [to, setTo] = useState(yesterday);
  const [minMinutes, setMinMinutes] = useState(30);
  const current = (tab in s.tabs ? tab : 'coverage') as Tab;
  const query = `from=${from}&to=${to}${current === 'coverage' ? `&minMinutes=${minMinutes}` : ''}`;
  const path = { coverage: 'reports/coverage', compliance: 'reports/compliance', topics: 'reports/topic-mix', proof: '' }[current];
  return (
    <section>
      <h2>
        {s.heading}
        <span class="spacer" />
        {current === 'proof' ? (
          <label class="inline">{s.day} <input type="date" name="day" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} /></label>
        ) : (
          <>
            <label class="inline">{t.from} <input type="date" name="from" value={from} max={to} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} /></label>
            <label class="inline">{t.to} <input type="date" name="to" value={to} min={from} onInput={(e) => setTo((e.target as HTMLInputElement).value)} /></label>
          </>
        )}
        {current === 'coverage' && <label class="inline">{s.minMinutes} <input type="number" name="minMinutes" min={0} max={1440} value={minMinutes} style={{ width: '5em' }} onInput={(e) => setMinMinutes(Number((e.target as HTMLInputElement).value) || 0)} /></label>}
        {path && <Downloads path={path} query={query} />}
      </h2>
      <nav class="tabs">{(Object.keys(s.tabs) as Tab[]).map((k) => <a href={`#/campaign/${k}`} class={k === current ? 'active' : ''} data-tab={k}>{s.tabs[k]}</a>)}</nav>
      {current === 'coverage' && <CoverageTab query={query} />}
      {current === 'compliance' && <ComplianceTab query={query} />}
      {current === 'topics' && <TopicsTab query={query} />}
      {current === 'proof' && <ProofTab day={to} />}
    </section>
  );
}
