// 校验 / verify: the hash chain checked on the live store or in an uploaded export, and one screen-day's
// as-run log (planned against aired, with reasons), with the day's chain export to download.
import { useState } from 'preact/hooks';
import type { z } from 'zod';
import type { AsRunSchema, ChainCheckSchema } from '../../routes/proof.routes.js';
import { api, get, postText } from '../api.js';
import { ErrorNote, Loading, useAction } from '../components.js';
import { formatTime, localDate } from '../format.js';
import { useResource } from '../hooks.js';
import { lang, pick } from '../i18n.js';
import type { ScreenWithStatus } from '../types.js';

type ChainCheck = z.infer<typeof ChainCheckSchema>;
type AsRun = z.infer<typeof AsRunSchema>;

const s = pick(
  {
    heading: '校验与播出日志',
    verify: '校验',
    liveCheck: '校验在线数据库',
    liveHint: '重新计算每台屏幕播出记录的哈希链，找出第一条被修改、插入或删除的记录。',
    fileCheck: '校验导出文件',
    fileHint: '选择从本系统导出的 .jsonl 文件；文件只在服务器上校验，不会保存。',
    asRun: '播出日志（计划与实际）',
    screen: '屏幕',
    day: '日期',
    show: '查看',
    export: '下载当天的哈希链导出',
    aired: '实际播出',
    missed: '计划但未播出',
    planned: '计划开始',
    started: '实际开始',
    ended: '结束',
    outcome: '结果',
    rule: '播出依据',
    offset: '时钟偏差',
    reason: '原因',
    item: '内容',
    online: '在线时长',
    chain: '当天记录的哈希链',
    outcomes: { completed: '完整', cut: '中断', failed: '失败', lost: '断电丢失' } as Record<string, string>,
    none: '无',
  },
  {
    heading: 'Verify and as-run log',
    verify: 'Verify',
    liveCheck: 'Check the live store',
    liveHint: "Recomputes every screen's hash chain of play records and names the first record changed, inserted or removed.",
    fileCheck: 'Check an export file',
    fileHint: 'Choose a .jsonl file exported from this system; it is checked on the server and not kept.',
    asRun: 'As-run log (planned against aired)',
    screen: 'Screen',
    day: 'Day',
    show: 'Show',
    export: "Download the day's chain export",
    aired: 'Aired',
    missed: 'Planned but not aired',
    planned: 'Planned start',
    started: 'Started',
    ended: 'Ended',
    outcome: 'Outcome',
    rule: 'Why it aired',
    offset: 'Clock offset',
    reason: 'Reason',
    item: 'Item',
    online: 'Online',
    chain: "The day's records in the hash chain",
    outcomes: { completed: 'completed', cut: 'cut', failed: 'failed', lost: 'lost (power cut)' } as Record<string, string>,
    none: 'none',
  },
);

const words = (w: { zh: string; en: string } | null) => (w ? (lang === 'en' ? w.en : w.zh) : '—');

function Verdict({ check }: { check: ChainCheck | null }) {
  if (!check) return null;
  return <p class={check.ok ? 'ok' : 'error'} role="status" data-testid="chain-verdict" data-ok={String(check.ok)}>{words(check.message)}</p>;
}

function ChainChecks() {
  const live = useAction();
  const file = useAction();
  const [liveResult, setLiveResult] = useState<ChainCheck | null>(null);
  const [fileResult, setFileResult] = useState<ChainCheck | null>(null);
  const checkFile = (input: HTMLInputElement) => {
    const chosen = input.files?.[0];
    if (!chosen) return;
    setFileResult(null);
    void file.run(async () => setFileResult(await postText<ChainCheck>('/proof/verify-export', await chosen.text())));
  };
  return (
    <div class="cards">
      <div class="card">
        <h3>{s.liveCheck}</h3>
        <p class="muted">{s.liveHint}</p>
        <button name="verify-live" disabled={live.busy} onClick={() => void live.run(async () => setLiveResult(await get<ChainCheck>('/proof/verify')))}>{s.verify}</button>
        <ErrorNote error={live.error} />
        <Verdict check={liveResult} />
      </div>
      <div class="card">
        <h3>{s.fileCheck}</h3>
        <p class="muted">{s.fileHint}</p>
        <input type="file" name="export-file" accept=".jsonl,.ndjson,application/x-ndjson" disabled={file.busy} onChange={(e) => checkFile(e.target as HTMLInputElement)} />
        <ErrorNote error={file.error} />
        <Verdict check={fileResult} />
      </div>
    </div>
  );
}

function AsRunTables({ log }: { log: AsRun }) {
  const offset = (ms: number | null) => (ms === null ? '—' : `${ms > 0 ? '+' : ''}${ms} ms`);
  return (
    <div data-testid="as-run">
      <p class="muted">{words(log.note)} ({log.timeZone})</p>
      <p>{s.online}: {Math.round(log.onlineMs / 60_000)} min · {s.chain}: <Verdict check={log.chain} /></p>
      <h3>{s.aired} ({log.aired.length})</h3>
      <div class="table-scroll">
        <table data-testid="as-run-aired">
          <thead><tr><th>{s.planned}</th><th>{s.started}</th><th>{s.ended}</th><th>{s.item}</th><th>{s.outcome}</th><th>{s.rule}</th><th class="num">{s.offset}</th></tr></thead>
          <tbody>
            {log.aired.map((a) => (
              <tr data-play-id={a.playId} class={a.isPlanned ? '' : 'muted'}>
                <td>{a.plannedStart ? formatTime(a.plannedStart, true) : '—'}</td>
                <td>{formatTime(a.start, true)}</td>
                <td>{formatTime(a.end, true)}</td>
                <td>{a.title ?? a.mediaId}</td>
                <td>{s.outcomes[a.outcome] ?? a.outcome}</td>
                <td>{words(a.rule)}</td>
                <td class="num">{offset(a.clockOffsetMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{s.missed} ({log.missed.length})</h3>
      {log.missed.length === 0 ? <p class="empty">{s.none}</p> : (
        <table data-testid="as-run-missed">
          <thead><tr><th>{s.planned}</th><th>{s.ended}</th><th>{s.item}</th><th>{s.rule}</th><th>{s.reason}</th></tr></thead>
          <tbody>
            {log.missed.map((m) => (
              <tr data-reason={m.reason}>
                <td>{formatTime(m.start, true)}</td>
                <td>{formatTime(m.end, true)}</td>
                <td>{m.title ?? '—'}</td>
                <td>{words(m.rule)}</td>
                <td>{words(m.reasonWords)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function ProofPage() {
  const screens = useResource(() => get<ScreenWithStatus[]>('/screens'), ['screens']);
  const [screenId, setScreenId] = useState('');
  const [day, setDay] = useState(localDate(Date.now()));
  const [log, setLog] = useState<AsRun | null>(null);
  const action = useAction();
  const claimed = (screens.data ?? []).filter((x) => !x.isProvisional);
  const chosen = screenId || claimed[0]?.id || '';
  return (
    <section>
      <h2>{s.heading}</h2>
      <ChainChecks />
      <h3>{s.asRun}</h3>
      {!screens.data ? <Loading error={screens.error} /> : (
        <p class="inline-form">
          <label class="inline">{s.screen} <select name="as-run-screen" value={chosen} onChange={(e) => setScreenId((e.target as HTMLSelectElement).value)}>
            {claimed.map((x) => <option value={x.id}>{x.name}{x.township ? ` · ${x.township}` : ''}</option>)}
          </select></label>
          <label class="inline">{s.day} <input type="date" name="as-run-day" value={day} onInput={(e) => setDay((e.target as HTMLInputElement).value)} /></label>
          <button name="show-as-run" disabled={!chosen || action.busy} onClick={() => void action.run(async () => setLog(await api<AsRun>('GET', `/proof/as-run?screenId=${encodeURIComponent(chosen)}&day=${day}`)))}>{s.show}</button>
          {chosen && <a class="button" href={`/api/v1/proof/export?from=${day}&to=${day}&screenId=${encodeURIComponent(chosen)}`} download>{s.export}</a>}
        </p>
      )}
      <ErrorNote error={action.error} />
      {log && <AsRunTables log={log} />}
    </section>
  );
}
