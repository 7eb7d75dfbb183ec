// Picking a screen's place from the register: 乡镇 → 村/社区 → 点位 as three cascading selects, or a
// search across all three names. No free text, so no typo splits a township in two.
import { useState } from 'preact/hooks';
import { get } from './api.js';
import { Field, Loading } from './components.js';
import { useResource } from './hooks.js';
import { pick, t } from './i18n.js';
import type { RegisterTree } from './types.js';

const s = pick(
  {
    village: '村/社区',
    site: '点位',
    choose: '请选择',
    search: '搜索点位（乡镇、村/社区或点位名称）',
    matches: (n: number) => `找到 ${n} 个点位`,
    emptyRegister: '点位登记是空的：请先在“点位登记”页添加或导入',
  },
  {
    village: 'Village / community',
    site: 'Site',
    choose: 'choose',
    search: 'Search sites (township, village or site name)',
    matches: (n: number) => `${n} site(s) found`,
    emptyRegister: 'The register is empty: add or import places on the Register page first',
  },
);

export const useRegister = () => useResource(() => get<RegisterTree>('/register'), ['catalogue']);

export function SitePicker({ value, onChange, disabled }: { value: string; onChange: (siteId: string) => void; disabled?: boolean }) {
  const register = useRegister();
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<{ township?: string; village?: string }>({});
  if (!register.data) return <Loading error={register.error} />;
  const townships = register.data.townships;
  if (townships.length === 0) return <p class="muted" data-testid="site-picker">{s.emptyRegister}</p>;
  const all = townships.flatMap((tw) => tw.villages.flatMap((v) => v.sites.map((site) => ({ tw, v, site }))));
  // The selected site decides the upper selects unless the clerk just changed one of them.
  const current = all.find((x) => x.site.id === value);
  const townshipId = picked.township ?? current?.tw.id ?? '';
  const township = townships.find((x) => x.id === townshipId);
  const villageId = picked.village ?? (current && current.tw.id === townshipId ? current.v.id : '');
  const village = township?.villages.find((x) => x.id === villageId);
  const needle = query.trim();
  const found = needle ? all.filter((x) => `${x.tw.name} ${x.v.name} ${x.site.name}`.includes(needle)) : [];
  const choose = (siteId: string) => (setPicked({}), onChange(siteId));
  const select = (name: string, current: string, options: { id: string; label: string }[], onPick: (id: string) => void) => (
    <select name={name} value={current} disabled={disabled} onChange={(e) => onPick((e.target as HTMLSelectElement).value)}>
      <option value="">— {s.choose} —</option>
      {options.map((o) => <option value={o.id}>{o.label}</option>)}
    </select>
  );
  return (
    <div class="site-picker" data-testid="site-picker">
      <input type="search" name="siteSearch" placeholder={s.search} value={query} disabled={disabled} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
      {needle ? (
        <Field label={s.matches(found.length)}>
          {select('siteMatch', found.some((x) => x.site.id === value) ? value : '', found.map((x) => ({ id: x.site.id, label: `${x.tw.name} / ${x.v.name} / ${x.site.name}（${x.site.type}）` })), (id) => (choose(id), setQuery('')))}
        </Field>
      ) : (
        <div class="row">
          <Field label={t.township}>{select('township', townshipId, townships.map((x) => ({ id: x.id, label: x.name })), (id) => (setPicked({ township: id, village: '' }), onChange('')))}</Field>
          <Field label={s.village}>{select('village', villageId, (township?.villages ?? []).map((x) => ({ id: x.id, label: x.name })), (id) => (setPicked({ township: townshipId, village: id }), onChange('')))}</Field>
          <Field label={s.site}>{select('siteId', village?.sites.some((x) => x.id === value) ? value : '', (village?.sites ?? []).map((x) => ({ id: x.id, label: `${x.name}（${x.type}）` })), choose)}</Field>
        </div>
      )}
    </div>
  );
}
