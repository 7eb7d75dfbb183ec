// Weekly report (每周通报): the history with PDF and XLSX, making one on demand (admins), and the police
// figures: a form for one township's week and a CSV/XLSX import (police and admins).
import { useState } from 'preact/hooks';
import { api, get, upload } from '../api.js';
import { ErrorNote, Field, Loading, useAction } from '../components.js';
import { dayOf } from '../../../playlists/wall-clock.js';
import { previousWeek } from '../../reports/iso-week.js';
import { formatTime, localDate } from '../format.js';
import { useResource } from '../hooks.js';
import { pick } from '../i18n.js';
import { can } from '../session.js';
import { Downloads } from './campaign-reports.js';

/** The week that ended last Sunday, in the deployment's zone: what a clerk makes or enters on a Monday. */
const lastWeek = () => previousWeek(dayOf(localDate(Date.now())));

const FRAUD_TYPES = ['网贷', '投资博彩', '刷单', '网购退赔', '冒充领导/熟人', '其他'];
const s = pick(
  {
    heading: '每周通报',
    history: '历次通报',
    week: '周次',
    generatedAt: '生成时间',
    by: '生成人',
    schedule: '定时（每周一 08:00）',
    none: '还没有通报；每周一 08:00 自动生成上一周的通报。',
    generate: '生成',
    generateHint: '为已结束的任一周重新生成（例如 2027-W02）',
    police: '公安案情录入',
    township: '乡镇',
    cases: '案件数',
    loss: '损失（元）',
    save: '保存本周数据',
    saved: (n: number) => `已保存 ${n} 项`,
    importFile: '导入 CSV / XLSX',
    imported: (n: number) => `已导入 ${n} 行`,
    importHint: '列：乡镇、周（如 2027-W03 或该周任一天）、案件类型、案件数、损失（元）。任一行有误则整份文件不导入，并指出行号。',
  },
  {
    heading: 'Weekly report',
    history: 'Reports so far',
    week: 'Week',
    generatedAt: 'Generated',
    by: 'By',
    schedule: 'schedule (Mondays 08:00)',
    none: 'No report yet; every Monday 08:00 the past week’s report is made.',
    generate: 'Generate',
    generateHint: 'Make (again) the report of any week that is over (e.g. 2027-W02)',
    police: 'Police case figures',
    township: 'Township',
    cases: 'Cases',
    loss: 'Loss (yuan)',
    save: 'Save this week',
    saved: (n: number) => `${n} saved`,
    importFile: 'Import CSV / XLSX',
    imported: (n: number) => `${n} rows imported`,
    importHint: 'Columns: township, week (2027-W03 or a date in it), fraud type, cases, loss (yuan). One bad row refuses the whole file, naming its line.',
  },
);

interface Entry { week: string; generatedAt: string; generatedBy: string | null }

function PoliceEntry() {
  const register = useResource(() => get<{ townships: { id: string; name: string }[] }>('/register'), ['catalogue']);
  const [township, setTownship] = useState('');
  const [week, setWeek] = useState(lastWeek);
  const [values, setValues] = useState<Record<string, { cases: string; loss: string }>>({});
  const [message, setMessage] = useState('');
  const action = useAction();
  const save = () =>
    action.run(async () => {
      const figures = FRAUD_TYPES.filter((f) => values[f]?.cases !== undefined && values[f]!.cases !== '').map((f) => ({ fraudType: f, cases: Number(values[f]!.cases), lossYuan: Number(values[f]!.loss || 0) }));
      const r = await api<{ stored: number }>('PUT', '/police-figures', { townshipId: township, week: week.trim().toUpperCase(), figures });
      setMessage(s.saved(r.stored));
    });
  const importFile = (file: File) =>
    action.run(async () => {
      const form = new FormData();
      form.append('file', file);
      const r = await upload<{ imported: number }>('/police-figures/import', form, () => undefined).done;
      setMessage(s.imported(r.body.imported));
    });
  const set = (f: string, key: 'cases' | 'loss', v: string) => setValues({ ...values, [f]: { cases: values[f]?.cases ?? '', loss: values[f]?.loss ?? '', [key]: v } });
  return (
    <div data-testid="police-entry">
      <h3>{s.police}</h3>
      <div class="row">
        <Field label={s.township}>
          <select name="township" value={township} onChange={(e) => setTownship((e.target as HTMLSelectElement).value)}>
            <option value="">—</option>
            {(register.data?.townships ?? []).map((x) => <option value={x.id}>{x.name}</option>)}
          </select>
        </Field>
        <Field label={s.week}><input name="week" placeholder="2027-W03" value={week} onInput={(e) => setWeek((e.target as HTMLInputElement).value)} /></Field>
      </div>
      <table>
        <thead><tr><th /><th>{s.cases}</th><th>{s.loss}</th></tr></thead>
        <tbody>
          {FRAUD_TYPES.map((f) => (
            <tr><td>{f}</td><td><input type="number" min={0} name={`cases-${f}`} value={values[f]?.cases ?? ''} onInput={(e) => set(f, 'cases', (e.target as HTMLInputElement).value)} /></td><td><input type="number" min={0} step="0.01" name={`loss-${f}`} value={values[f]?.loss ?? ''} onInput={(e) => set(f, 'loss', (e.target as HTMLInputElement).value)} /></td></tr>
          ))}
        </tbody>
      </table>
      <button name="save-police" disabled={action.busy || !township || !week} onClick={save}>{s.save}</button>{' '}
      <label class="button">{s.importFile}<input type="file" name="police-file" accept=".csv,.xlsx" hidden onChange={(e) => { const f = (e.target as HTMLInputElement).files?.[0]; if (f) void importFile(f); }} /></label>
      <p class="muted">{s.importHint}</p>
      {message && !action.error && <p data-testid="police-message">{message}</p>}
      <ErrorNote error={action.error} />
    </div>
  );
}

export function WeeklyPage() {
  const list = useResource(() => get<{ reports: Entry[] }>('/reports/weekly'), ['catalogue']);
  const [week, setWeek] = useState(lastWeek);
  const action = useAction();
  const generate = () => action.run(async () => (await api('POST', '/reports/weekly', { week: week.trim().toUpperCase() }), list.reload()));
  return (
    <section>
      <h2>{s.heading}</h2>
      {can('reports:generate') && (
        <p class="row">
          <input name="generate-week" placeholder="2027-W02" title={s.generateHint} value={week} onInput={(e) => setWeek((e.target as HTMLInputElement).value)} />
          <button name="generate-weekly" disabled={action.busy || !week} onClick={generate}>{s.generate}</button>
          <ErrorNote error={action.error} />
        </p>
      )}
      <h3>{s.history}</h3>
      {!list.data ? <Loading error={list.error} /> : list.data.reports.length === 0 ? <p class="empty">{s.none}</p> : (
        <table data-testid="weekly-list">
          <thead><tr><th>{s.week}</th><th>{s.generatedAt}</th><th>{s.by}</th><th /></tr></thead>
          <tbody>{list.data.reports.map((e) => <tr data-week={e.week}><td>{e.week}</td><td>{formatTime(e.generatedAt)}</td><td>{e.generatedBy ?? s.schedule}</td><td><Downloads path={`reports/weekly/${e.week}`} query="" /></td></tr>)}</tbody>
        </table>
      )}
      {can('police:write') && <PoliceEntry />}
    </section>
  );
}
