// 点位登记: the county's places (township → village/community → site) with claimed screens and stations
// counted at each, the villages that have none, inline add/edit/delete, import and export, the campaign.
import { useRef, useState } from 'preact/hooks';
import { api, ApiError, upload } from '../api.js';
import { ErrorNote, inReadersLanguage, Loading, useAction } from '../components.js';
import { pick, t } from '../i18n.js';
import { can } from '../session.js';
import { useRegister } from '../site-picker.js';
import type { RegisterTree, SiteType } from '../types.js';
import { CampaignEditor } from './register-campaign.js';

// The register's list (playlists/register.schema.ts SITE_TYPES), kept here so no zod reaches the bundle.
const SITE_TYPES: SiteType[] = ['社区/村', '居民小区', '村组', '机关', '企业', '车站', '码头', '商场', '广场', '写字楼', '食堂', '学校', '街面', '其他'];

const s = pick(
  {
    heading: '点位登记',
    summary: (x: RegisterTree['totals']) => `${x.townships} 个乡镇 · ${x.villages} 个村/社区 · ${x.sites} 个点位 · ${x.screens} 块屏幕 · ${x.stations} 个广播站`,
    without: (n: number) => `${n} 个村/社区尚无屏幕或广播`,
    unplaced: (n: number) => `${n} 块已认领屏幕尚未放到点位`,
    empty: '点位登记是空的：添加乡镇，或导入全县的村/社区名单（CSV 或 XLSX）。',
    noVillages: '此乡镇还没有村/社区',
    noSites: '尚无点位',
    none: '无屏幕',
    township: '乡镇', village: '村/社区', site: '点位', kind: '类型', type: '点位类型', address: '地址', screens: '屏幕', stations: '广播站',
    kinds: { community: '社区', village: '村' } as Record<string, string>,
    addTownship: '添加乡镇', addVillage: '+ 村/社区', addSite: '+ 点位',
    import: '导入 CSV/XLSX', exportCsv: '导出 CSV', exportXlsx: '导出 XLSX',
    imported: (r: ImportResult) => `已导入 ${r.rows} 行：新增 ${r.created.townships} 个乡镇、${r.created.villages} 个村/社区、${r.created.sites} 个点位，更新 ${r.updated} 项`,
    refused: '导入被拒绝，未做任何更改：',
    confirmDelete: (name: string) => `删除「${name}」？`,
    format: '列：乡镇、村/社区、类型(社区/村)、点位、点位类型、地址；每行一个点位，或一个没有点位的村/社区。',
  },
  {
    heading: 'Register of places',
    summary: (x: RegisterTree['totals']) => `${x.townships} townships · ${x.villages} villages/communities · ${x.sites} sites · ${x.screens} screens · ${x.stations} stations`,
    without: (n: number) => `${n} village(s)/communities without any screen or station`,
    unplaced: (n: number) => `${n} claimed screen(s) not yet at a site`,
    empty: 'The register is empty: add a township, or import the county\'s list of villages and communities (CSV or XLSX).',
    noVillages: 'No villages or communities in this township yet',
    noSites: 'no sites yet',
    none: 'no screen',
    township: 'Township', village: 'Village / community', site: 'Site', kind: 'Kind', type: 'Site type', address: 'Address', screens: 'Screens', stations: 'Stations',
    kinds: { community: 'community', village: 'village' },
    addTownship: 'Add township', addVillage: '+ village', addSite: '+ site',
    import: 'Import CSV/XLSX', exportCsv: 'Export CSV', exportXlsx: 'Export XLSX',
    imported: (r: ImportResult) => `Imported ${r.rows} rows: ${r.created.townships} townships, ${r.created.villages} villages, ${r.created.sites} sites added, ${r.updated} updated`,
    refused: 'Import refused, nothing changed:',
    confirmDelete: (name: string) => `Delete “${name}”?`,
    format: 'Columns: 乡镇 township, 村/社区 village, 类型(社区/村) kind, 点位 site, 点位类型 site type, 地址 address; one row per site, or per village without sites.',
  },
);

interface ImportResult {
  rows: number;
  created: { townships: number; villages: number; sites: number };
  updated: number;
}

type Level = 'townships' | 'villages' | 'sites';
/** One inline form at a time: adding under a parent, or editing a place. */
type Editing = { level: Level; id?: string; parentId?: string; values: Record<string, string> } | null;

function InlineForm({ editing, onDone, onCancel }: { editing: NonNullable<Editing>; onDone: () => void; onCancel: () => void }) {
  const [values, setValues] = useState(editing.values);
  const action = useAction();
  const set = (key: string) => (e: Event) => setValues({ ...values, [key]: (e.target as HTMLInputElement).value });
  const submit = (e: Event) => {
    e.preventDefault();
    const parent = editing.level === 'villages' ? { townshipId: editing.parentId } : editing.level === 'sites' ? { villageId: editing.parentId } : {};
    const body = { name: values.name, ...(editing.level === 'villages' ? { kind: values.kind } : {}), ...(editing.level === 'sites' ? { type: values.type, ...(values.address ? { address: values.address } : {}) } : {}) };
    void action.run(async () => {
      if (editing.id) await api('PATCH', `/register/${editing.level}/${encodeURIComponent(editing.id)}`, body);
      else await api('POST', `/register/${editing.level}`, { ...parent, ...body });
      onDone();
    });
  };
  return (
    <form class="inline-form" data-testid={`form-${editing.level}`} onSubmit={submit}>
      <input name="name" required value={values.name ?? ''} placeholder={editing.level === 'townships' ? s.township : editing.level === 'villages' ? s.village : s.site} onInput={set('name')} />
      {editing.level === 'villages' && (
        <select name="kind" value={values.kind ?? 'village'} onChange={set('kind')}>
          <option value="village">{s.kinds.village}</option>
          <option value="community">{s.kinds.community}</option>
        </select>
      )}
      {editing.level === 'sites' && (
        <>
          <select name="type" value={values.type ?? '其他'} onChange={set('type')}>{SITE_TYPES.map((x) => <option value={x}>{x}</option>)}</select>
          <input name="address" value={values.address ?? ''} placeholder={s.address} onInput={set('address')} />
        </>
      )}
      <button class="primary" type="submit" disabled={action.busy}>{t.save}</button>
      <button type="button" onClick={onCancel}>{t.cancel}</button>
      <ErrorNote error={action.error} />
    </form>
  );
}

function ImportExport({ onImported }: { onImported: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [refusal, setRefusal] = useState<{ message: string; lines: string[] } | null>(null);
  const action = useAction();
  const pickFile = (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    setResult(null);
    setRefusal(null);
    const form = new FormData();
    form.append('file', file);
    void action.run(async () => {
      try {
        const { body } = await upload<ImportResult>('/register/import', form, () => undefined).done;
        setResult(body);
        onImported();
      } catch (error) {
        // A refusal names every bad line: shown whole, each in the reader's language.
        const details = error instanceof ApiError ? (error.body.details as { line: number; message: string }[] | undefined) : undefined;
        if (!Array.isArray(details)) throw error;
        setRefusal({ message: s.refused, lines: details.map((d) => inReadersLanguage(d.message)) });
      } finally {
        if (input.current) input.current.value = '';
      }
    });
  };
  return (
    <div class="register-io">
      {can('register:write') && (
        <label class="button">
          {s.import}
          <input ref={input} type="file" name="import" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" hidden onChange={pickFile} />
        </label>
      )}
      <a class="button" href="/api/v1/register/export.csv" download>{s.exportCsv}</a>
      <a class="button" href="/api/v1/register/export.xlsx" download>{s.exportXlsx}</a>
      <small class="muted">{s.format}</small>
      {result && <p class="ok" data-testid="import-result">{s.imported(result)}</p>}
      {refusal && (
        <div class="error" role="alert" data-testid="import-refused">
          <strong>{refusal.message}</strong>
          <ul>{refusal.lines.map((l) => <li>{l}</li>)}</ul>
        </div>
      )}
      <ErrorNote error={action.error} />
    </div>
  );
}

export function RegisterPage() {
  const register = useRegister();
  const [editing, setEditing] = useState<Editing>(null);
  const action = useAction();
  if (!register.data) return <Loading error={register.error} />;
  const { townships, totals, campaign } = register.data;
  const mayWrite = can('register:write');
  const done = () => (setEditing(null), register.reload());
  const remove = (level: Level, id: string, name: string) =>
    action.run(async () => {
      if (!confirm(s.confirmDelete(name))) return;
      await api('DELETE', `/register/${level}/${encodeURIComponent(id)}`);
      register.reload();
    });
  const isEditing = (level: Level, id?: string, parentId?: string) => editing?.level === level && editing.id === id && editing.parentId === parentId;
  const form = (level: Level, id?: string, parentId?: string) => isEditing(level, id, parentId) && <InlineForm editing={editing!} onDone={done} onCancel={() => setEditing(null)} />;
  const tools = (level: Level, id: string, name: string, values: Record<string, string>, add?: { level: Level; label: string }) =>
    mayWrite && (
      <span class="tools">
        {add && <button class="link" name={`add-${add.level}`} onClick={() => setEditing({ level: add.level, parentId: id, values: {} })}>{add.label}</button>}
        <button class="link" name="edit" onClick={() => setEditing({ level, id, values })}>{t.edit}</button>
        <button class="link danger" name="delete" onClick={() => void remove(level, id, name)}>{t.delete}</button>
      </span>
    );
  const counts = (x: { screens: number; stations: number }) => (
    <>
      <td class="num" data-field="screens">{x.screens}</td>
      <td class="num" data-field="stations">{x.stations}</td>
    </>
  );
  return (
    <section data-testid="register">
      <h2>{s.heading} <small>{s.summary(totals)}</small></h2>
      <p>
        {totals.villagesWithout > 0 && <span class="pill danger" data-testid="villages-without">{s.without(totals.villagesWithout)}</span>}{' '}
        {totals.unplaced > 0 && <span class="pill">{s.unplaced(totals.unplaced)}</span>}
      </p>
      <ImportExport onImported={register.reload} />
      <ErrorNote error={action.error} />
      {mayWrite && (editing?.level === 'townships' && !editing.id ? form('townships') : <button name="add-township" onClick={() => setEditing({ level: 'townships', values: {} })}>+ {s.addTownship}</button>)}
      {townships.length === 0 ? (
        <p class="muted" data-testid="register-empty">{s.empty}</p>
      ) : (
        <table class="register-tree">
          <thead><tr><th>{s.township} / {s.village} / {s.site}</th><th>{s.kind}</th><th>{s.address}</th><th class="num">{s.screens}</th><th class="num">{s.stations}</th><th /></tr></thead>
          <tbody>
            {townships.map((tw) => [
              <tr class="township" data-place={tw.name} key={tw.id}>
                <td><strong>{tw.name}</strong></td><td /><td />{counts(tw)}
                <td>{tools('townships', tw.id, tw.name, { name: tw.name }, { level: 'villages', label: s.addVillage })}</td>
              </tr>,
              (form('townships', tw.id) || form('villages', undefined, tw.id)) && <tr><td colSpan={6}>{form('townships', tw.id) || form('villages', undefined, tw.id)}</td></tr>,
              tw.villages.length === 0 && <tr><td colSpan={6} class="muted indent-1">{s.noVillages}</td></tr>,
              ...tw.villages.map((v) => [
                <tr class={`village ${v.screens + v.stations === 0 ? 'uncovered' : ''}`} data-place={v.name} key={v.id}>
                  <td class="indent-1">{v.name} {v.screens + v.stations === 0 && <span class="pill danger">{s.none}</span>}</td>
                  <td>{s.kinds[v.kind]}</td><td />{counts(v)}
                  <td>{tools('villages', v.id, v.name, { name: v.name, kind: v.kind }, { level: 'sites', label: s.addSite })}</td>
                </tr>,
                (form('villages', v.id) || form('sites', undefined, v.id)) && <tr><td colSpan={6}>{form('villages', v.id) || form('sites', undefined, v.id)}</td></tr>,
                v.sites.length === 0 && <tr><td colSpan={6} class="muted indent-2">{s.noSites}</td></tr>,
                ...v.sites.map((site) => [
                  <tr class="site" data-place={site.name} key={site.id}>
                    <td class="indent-2">{site.name}</td><td>{site.type}</td><td class="muted">{site.address ?? ''}</td>{counts(site)}
                    <td>{tools('sites', site.id, site.name, { name: site.name, type: site.type, address: site.address ?? '' })}</td>
                  </tr>,
                  form('sites', site.id) && <tr><td colSpan={6}>{form('sites', site.id)}</td></tr>,
                ]),
              ]),
            ])}
          </tbody>
        </table>
      )}
      <CampaignEditor campaign={campaign} onSaved={register.reload} />
    </section>
  );
}

