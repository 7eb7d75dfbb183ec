// Proof of airing: plays and airtime per screen and local day (table and chart), plays per township,
// and each screen's online history over the last day, from /api/v1/reports.
import { useMemo, useState } from 'preact/hooks';
import { get } from '../api.js';
import { Chart, uPlot } from '../chart.js';
import { Loading } from '../components.js';
import { formatDuration, formatTime, localDate } from '../format.js';
import { useResource } from '../hooks.js';
import { pick, t } from '../i18n.js';

const s = pick(
  {
    heading: '播出证明',
    plays: '播放次数',
    airtime: '播出时长',
    completed: '完整播放',
    perDay: '每日播放次数',
    perTownship: '各乡镇',
    screensAired: '有播出的屏幕',
    online: '在线记录（最近 24 小时）',
    onlineShare: '在线比例',
    total: '合计',
    noData: '这段时间没有已认领屏幕的播放记录。',
    noOnline: '最近 24 小时没有已认领屏幕在线的记录。',
    onlyClaimed: '只统计已认领的屏幕；未认领屏幕的播放另行保存，不计入。',
    csv: '下载 CSV',
  },
  {
    heading: 'Proof of airing',
    plays: 'Plays',
    airtime: 'Airtime',
    completed: 'Completed',
    perDay: 'Plays per day',
    perTownship: 'Per township',
    screensAired: 'Screens that aired',
    online: 'Online history (last 24 h)',
    onlineShare: 'Online',
    total: 'Total',
    noData: 'No plays from claimed screens in this range.',
    noOnline: 'No claimed screen was online in the last 24 hours.',
    onlyClaimed: 'Claimed screens only; plays of unclaimed screens are kept apart and not counted.',
    csv: 'Download CSV',
  },
);

interface PlaysPerDay {
  timeZone: string;
  from: string;
  to: string;
  days: string[];
  screens: { id: string; name: string; township: string | null }[];
  rows: { screenId: string; day: string; plays: number; completed: number; seconds: number }[];
  totals: { plays: number; completed: number; seconds: number };
  townships: { township: string | null; screens: number; screensAired: number; plays: number; seconds: number }[];
}
interface OnlineHistory {
  from: string;
  to: string;
  screens: { screenId: string; intervals: { start: string; end: string }[]; onlineSeconds: number }[];
}

const PALETTE = ['#0b4f9c', '#c8102e', '#1a7f37', '#b45309', '#6d28d9', '#0e7490', '#be185d', '#4d7c0f'];
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

function csvOf(report: PlaysPerDay): string {
  const names = new Map(report.screens.map((x) => [x.id, x]));
  const lines = [['day', 'screen_id', 'screen', 'township', 'plays', 'completed', 'seconds'].join(',')];
  for (const r of report.rows) {
    const screen = names.get(r.screenId);
    lines.push([r.day, r.screenId, `"${(screen?.name ?? '').replace(/"/g, '""')}"`, `"${screen?.township ?? ''}"`, r.plays, r.completed, r.seconds].join(','));
  }
  return `\uFEFF${lines.join('\n')}\n`;
}

function PerDayChart({ report }: { report: PlaysPerDay }) {
  // One line per township (a few), not per screen (hundreds): what a county office reads.
  const { options, data } = useMemo(() => {
    const townshipOf = new Map(report.screens.map((x) => [x.id, x.township ?? t.noTownship]));
    const townships = [...new Set(report.screens.map((x) => x.township ?? t.noTownship))].slice(0, PALETTE.length);
    const xs = report.days.map((d) => Date.parse(`${d}T12:00:00Z`) / 1000);
    const series = townships.map((tw) => report.days.map((d) => report.rows.filter((r) => r.day === d && townshipOf.get(r.screenId) === tw).reduce((n, r) => n + r.plays, 0)));
    const options: Omit<uPlot.Options, 'width' | 'height'> = {
      series: [{ value: (_u, v) => (v === null ? '' : new Date(v * 1000).toISOString().slice(5, 10)) }, ...townships.map((tw, i) => ({ label: tw, stroke: PALETTE[i], width: 2, points: { show: true } }))],
      // One tick per day; no axis title: canvas text cannot use the lazily loaded CJK web font.
      axes: [{ splits: () => xs, values: (_u, vals) => vals.map((v) => new Date(v * 1000).toISOString().slice(5, 10)) }, {}],
      scales: { x: { time: false } },
    };
    return { options, data: [xs, ...series] as uPlot.AlignedData };
  }, [report]);
  return <Chart options={options} data={data} />;
}

function OnlineBars({ history, names }: { history: OnlineHistory; names: Map<string, string> }) {
  const from = Date.parse(history.from);
  const span = Date.parse(history.to) - from;
  if (history.screens.length === 0) return <p class="empty">{s.noOnline}</p>;
  return (
    <table class="online-history" data-testid="online-history">
      <tbody>
        {history.screens.map((x) => (
          <tr data-screen-id={x.screenId}>
            <td>{names.get(x.screenId) ?? x.screenId}</td>
            <td class="bar-cell">
              <div class="timeline-bar">
                {x.intervals.map((i) => (
                  <span class="seg online" style={{ left: `${(100 * (Date.parse(i.start) - from)) / span}%`, width: `${Math.max(0.2, (100 * (Date.parse(i.end) - Date.parse(i.start))) / span)}%` }} title={`${formatTime(i.start)}–${formatTime(i.end)}`} />
                ))}
              </div>
            </td>
            <td>{Math.round((100 * x.onlineSeconds * 1000) / span)}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReportsPage() {
  const today = localDate(Date.now());
  const [from, setFrom] = useState(addDays(today, -6));
  const [to, setTo] = useState(today);
  const report = useResource(() => get<PlaysPerDay>(`/reports/plays-per-day?from=${from}&to=${to}`), ['plays', 'catalogue'], [from, to]);
  const history = useResource(() => get<OnlineHistory>('/reports/online-history'), ['screens']);
  const csvUrl = useMemo(() => (report.data ? URL.createObjectURL(new Blob([csvOf(report.data)], { type: 'text/csv;charset=utf-8' })) : null), [report.data]);
  const header = (
    <h2>
      {s.heading}
      <span class="spacer" />
      <label class="inline">{t.from} <input type="date" name="from" value={from} max={to} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} /></label>
      <label class="inline">{t.to} <input type="date" name="to" value={to} min={from} onInput={(e) => setTo((e.target as HTMLInputElement).value)} /></label>
      {csvUrl && <a class="button" href={csvUrl} download={`plays-${from}-${to}.csv`}>{s.csv}</a>}
    </h2>
  );
  if (!report.data) return <section>{header}<Loading error={report.error} /></section>;
  const r = report.data;
  const names = new Map(r.screens.map((x) => [x.id, x.name]));
  const cell = (screenId: string, day: string) => r.rows.find((row) => row.screenId === screenId && row.day === day);
  return (
    <section>
      {header}
      <p class="muted">{s.onlyClaimed} ({r.timeZone})</p>
      <div class="stat-cards">
        <div class="stat"><span>{s.plays}</span><strong data-testid="total-plays">{r.totals.plays}</strong></div>
        <div class="stat"><span>{s.completed}</span><strong>{r.totals.completed}</strong></div>
        <div class="stat"><span>{s.airtime}</span><strong>{formatDuration(r.totals.seconds * 1000)}</strong></div>
        {r.townships.map((tw) => (
          <div class="stat small"><span>{tw.township ?? t.noTownship}</span><strong>{tw.plays}</strong><small>{s.screensAired} {tw.screensAired}/{tw.screens}</small></div>
        ))}
      </div>
      <h3>{s.perDay}</h3>
      {r.rows.length === 0 ? <p class="empty">{s.noData}</p> : <PerDayChart report={r} />}
      {r.screens.length > 0 && <div class="table-scroll">
        <table data-testid="plays-per-day">
          <thead>
            <tr><th>{t.screen}</th><th>{t.township}</th>{r.days.map((d) => <th class="num">{d.slice(5)}</th>)}<th class="num">{s.total}</th></tr>
          </thead>
          <tbody>
            {r.screens.map((x) => {
              const rows = r.rows.filter((row) => row.screenId === x.id);
              return (
                <tr data-screen-id={x.id}>
                  <td>{x.name}</td>
                  <td>{x.township ?? '—'}</td>
                  {r.days.map((d) => {
                    const c = cell(x.id, d);
                    return <td class="num" title={c ? `${s.airtime} ${formatDuration(c.seconds * 1000)}` : ''}>{c?.plays ?? ''}</td>;
                  })}
                  <td class="num"><strong>{rows.reduce((n, row) => n + row.plays, 0)}</strong></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>}
      <h3>{s.online}</h3>
      {history.data ? <OnlineBars history={history.data} names={names} /> : <Loading error={history.error} />}
    </section>
  );
}
