// Schedules in a week view: 7 days × 24 hours, each schedule entry a block in its dayparts, fixed-time
// broadcasts as marks, quiet hours shaded. Click a block to edit it, an empty hour to schedule there.
import { useState } from 'preact/hooks';
import { api, ApiError, get } from '../api.js';
import { describeTarget, ErrorNote, Field, Guarded, Loading, Modal, TargetEditor, useAction, WeekdaysEditor, WindowsEditor } from '../components.js';
import { formatTime, localDate } from '../format.js';
import { useResource } from '../hooks.js';
import { pick, t } from '../i18n.js';
import { can } from '../session.js';
import type { Alert, Broadcast, Playlist, QuietHours, ScheduleEntry, ScreenWithStatus, Target, TimeWindow } from '../types.js';
import type { VolumeLevel, VolumeSchedule } from '../../../playlists/volume.schema.js';

const s = pick(
  {
    heading: '排期',
    week: (from: string, to: string) => `${from} 至 ${to}`,
    prev: '‹ 上一周',
    next: '下一周 ›',
    thisWeek: '本周',
    newEntry: '新建排期',
    newBroadcast: '新建定时广播',
    newQuiet: '新建静音时段',
    entry: '排期',
    broadcast: '定时广播',
    quiet: '静音时段',
    entryName: '名称（可选）',
    startDate: '开始日期',
    endDate: '结束日期',
    weekdays: '星期',
    times: '播出时间（如 07:00, 12:00, 18:00）',
    dayparts: [['00:00', '凌晨'], ['06:00', '早间'], ['09:00', '日间'], ['17:00', '晚间'], ['22:00', '夜间']] as [string, string][],
    broadcasts: '定时广播',
    quietHours: '静音时段（广播喇叭不出声）',
    alerts: '紧急插播记录',
    cleared: '已解除',
    expired: '已结束',
    onAir: '播出中',
    priorityHint: '数字越大越优先',
    nothing: '暂无',
    legend: '点击空白处在该时段新建排期；点击色块修改。',
    newVolume: '新建音量计划',
    volume: '音量计划',
    volumes: '音量计划（广播站、屏幕）',
    levels: '时段音量',
    level: '音量 0–100',
    addLevel: '添加时段',
    defaultVolume: '其余时间音量（可空）',
    stationsSilent: (n: number, names: string) => `保存后，目标中的 ${n} 个广播站在此时段将无节目可播：${names}`,
    stationsPassed: (playlist: string, n: number, names: string) => `「${playlist}」中没有音频：目标中的 ${n} 个广播站（${names}）不会播放它，将改播下一条规则的音频（最终为默认宣传音频）`,
    saveAnyway: '仍然保存',
  },
  {
    heading: 'Schedules',
    week: (from: string, to: string) => `${from} to ${to}`,
    prev: '‹ Previous week',
    next: 'Next week ›',
    thisWeek: 'This week',
    newEntry: 'New schedule entry',
    newBroadcast: 'New fixed-time broadcast',
    newQuiet: 'New quiet hours',
    entry: 'Schedule entry',
    broadcast: 'Fixed-time broadcast',
    quiet: 'Quiet hours',
    entryName: 'Name (optional)',
    startDate: 'Start date',
    endDate: 'End date',
    weekdays: 'Weekdays',
    times: 'Air times (e.g. 07:00, 12:00, 18:00)',
    dayparts: [['00:00', 'Night'], ['06:00', 'Morning'], ['09:00', 'Day'], ['17:00', 'Evening'], ['22:00', 'Late']] as [string, string][],
    broadcasts: 'Fixed-time broadcasts',
    quietHours: 'Quiet hours (loudspeakers silent)',
    alerts: 'Urgent alerts',
    cleared: 'cleared',
    expired: 'ended',
    onAir: 'on air',
    priorityHint: 'higher wins',
    nothing: 'none',
    legend: 'Click an empty hour to schedule there; click a block to change it.',
    newVolume: 'New volume schedule',
    volume: 'Volume schedule',
    volumes: 'Volume schedules (stations, screens)',
    levels: 'Volume by time',
    level: 'volume 0–100',
    addLevel: 'Add a period',
    defaultVolume: 'Volume at other times (optional)',
    stationsSilent: (n: number, names: string) => `Once saved, ${n} broadcast station(s) of its target have nothing to play while it is in force: ${names}`,
    stationsPassed: (playlist: string, n: number, names: string) => `No audio in “${playlist}”: ${n} broadcast station(s) of its target (${names}) will not air it and air the next rule's audio instead (at last the default audio)`,
    saveAnyway: 'Save anyway',
  },
);

const HOUR_PX = 22;
const DAY_MS = 86_400_000;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const isoWeekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
const mondayOf = (date: string) => addDays(date, 1 - isoWeekday(date));
const inForce = (rule: { startDate?: string | undefined; endDate?: string | undefined; weekdays?: number[] | undefined }, date: string) =>
  (!rule.startDate || rule.startDate <= date) && (!rule.endDate || date <= rule.endDate) && (!rule.weekdays || rule.weekdays.includes(isoWeekday(date)));
const hue = (id: string) => [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);

type Editing =
  | { kind: 'entry'; rule: ScheduleEntry | null; preset?: Partial<ScheduleEntry> }
  | { kind: 'broadcast'; rule: Broadcast | null }
  | { kind: 'quiet'; rule: QuietHours | null }
  | { kind: 'volume'; rule: VolumeSchedule | null };

const PATHS = { entry: '/schedules', broadcast: '/broadcasts', quiet: '/quiet-hours', volume: '/volume-schedules' } as const;

interface Block {
  entry: ScheduleEntry;
  start: number;
  end: number;
  lane: number;
}

function layDay(entries: ScheduleEntry[], date: string): { blocks: Block[]; lanes: number } {
  const spans = entries
    .filter((e) => inForce(e, date))
    .flatMap((entry) => (entry.windows ?? [{ start: '00:00', end: '24:00' }]).map((w) => ({ entry, start: minutes(w.start), end: minutes(w.end) })))
    .sort((a, b) => a.start - b.start || b.entry.priority - a.entry.priority);
  const laneEnds: number[] = [];
  const blocks = spans.map((span) => {
    let lane = laneEnds.findIndex((end) => end <= span.start);
    if (lane < 0) lane = laneEnds.push(0) - 1;
    laneEnds[lane] = span.end;
    return { ...span, lane };
  });
  return { blocks, lanes: Math.max(1, laneEnds.length) };
}

function quietSpans(quiet: QuietHours[], date: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const q of quiet) {
    for (const w of q.windows) {
      const a = minutes(w.start);
      const b = minutes(w.end);
      // A window that wraps midnight shades the evening of its own day and the morning of the next.
      if (a < b) inForce(q, date) && spans.push({ start: a, end: b });
      else {
        if (inForce(q, date)) spans.push({ start: a, end: 1440 });
        if (inForce(q, addDays(date, -1))) spans.push({ start: 0, end: b });
      }
    }
  }
  return spans;
}

function WeekView({ monday, entries, broadcasts, quiet, playlists, onEdit, onNew }: {
  monday: string;
  entries: ScheduleEntry[];
  broadcasts: Broadcast[];
  quiet: QuietHours[];
  playlists: Map<string, string>;
  onEdit: (e: ScheduleEntry) => void;
  onNew: (date: string, hour: number) => void;
}) {
  const today = localDate(Date.now());
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  return (
    <div class="week" data-testid="week-view" style={{ '--hour': `${HOUR_PX}px` }}>
      <div class="week-gutter">
        <div class="week-head" />
        <div class="hours">
          {Array.from({ length: 24 }, (_, h) => (
            <div class="hour-label">{String(h).padStart(2, '0')}:00</div>
          ))}
          {s.dayparts.map(([at, label]) => (
            <div class="daypart-label" style={{ top: `${(minutes(at) / 60) * HOUR_PX}px` }}>{label}</div>
          ))}
        </div>
      </div>
      {days.map((date, i) => {
        const { blocks, lanes } = layDay(entries, date);
        return (
          <div class={`week-day ${date === today ? 'today' : ''}`} data-date={date}>
            <div class="week-head">
              {t.weekdays[i]} <small>{date.slice(5)}</small>
            </div>
            <div class="day-body" style={{ height: `${24 * HOUR_PX}px` }} onClick={(e) => {
              if (e.target !== e.currentTarget) return;
              const y = (e as MouseEvent).offsetY;
              onNew(date, Math.min(23, Math.floor(y / HOUR_PX)));
            }}>
              {quietSpans(quiet, date).map((q) => (
                <div class="quiet-span" style={{ top: `${(q.start / 60) * HOUR_PX}px`, height: `${((q.end - q.start) / 60) * HOUR_PX}px` }} />
              ))}
              {blocks.map((b) => (
                <button
                  class="block"
                  data-entry-id={b.entry.id}
                  title={`${b.entry.name ?? playlists.get(b.entry.playlistId) ?? ''} · ${t.priority} ${b.entry.priority}`}
                  style={{
                    top: `${(b.start / 60) * HOUR_PX}px`,
                    height: `${Math.max(12, ((b.end - b.start) / 60) * HOUR_PX - 1)}px`,
                    left: `${(100 * b.lane) / lanes}%`,
                    width: `${100 / lanes}%`,
                    background: `hsl(${hue(b.entry.playlistId)} 60% 88%)`,
                    borderColor: `hsl(${hue(b.entry.playlistId)} 55% 45%)`,
                  }}
                  onClick={() => onEdit(b.entry)}
                >
                  <strong>{b.entry.name || playlists.get(b.entry.playlistId)}</strong>
                  <small>{describeTarget(b.entry.target)} · P{b.entry.priority}</small>
                </button>
              ))}
              {broadcasts.filter((bc) => inForce(bc, date)).flatMap((bc) =>
                bc.times.map((time) => (
                  <div class="broadcast-mark" data-broadcast-id={bc.id} style={{ top: `${(minutes(time) / 60) * HOUR_PX}px` }} title={`${bc.name} ${time}`}>
                    ▶ {time}
                  </div>
                )),
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}

/** Shared calendar fields of the three rule kinds. */
function CalendarFields({ value, onChange }: { value: { startDate?: string | undefined; endDate?: string | undefined; weekdays?: number[] | undefined }; onChange: (patch: Record<string, unknown>) => void }) {
  return (
    <>
      <div class="row">
        <Field label={s.startDate}><input name="startDate" type="date" value={value.startDate ?? ''} onInput={(e) => onChange({ startDate: (e.target as HTMLInputElement).value || undefined })} /></Field>
        <Field label={s.endDate}><input name="endDate" type="date" value={value.endDate ?? ''} onInput={(e) => onChange({ endDate: (e.target as HTMLInputElement).value || undefined })} /></Field>
      </div>
      <Field label={s.weekdays}><WeekdaysEditor value={value.weekdays} onChange={(weekdays) => onChange({ weekdays })} /></Field>
    </>
  );
}

/** Volume by time of day: from–to (may wrap past midnight) at a level 0–100. */
function LevelsEditor({ value, onChange }: { value: VolumeLevel[]; onChange: (levels: VolumeLevel[]) => void }) {
  const set = (i: number, p: Partial<VolumeLevel>) => onChange(value.map((l, j) => (j === i ? { ...l, ...p } : l)));
  return (
    <fieldset>
      <legend>{s.levels}</legend>
      {value.map((l, i) => (
        <div class="window-row">
          <input type="time" name={`level-from-${i}`} value={l.from} onChange={(e) => set(i, { from: (e.target as HTMLInputElement).value })} />
          <span>–</span>
          <input type="time" name={`level-to-${i}`} value={l.to === '24:00' ? '23:59' : l.to} onChange={(e) => set(i, { to: (e.target as HTMLInputElement).value })} />
          <input type="range" min={0} max={100} name={`level-volume-${i}`} value={l.volume} onInput={(e) => set(i, { volume: Number((e.target as HTMLInputElement).value) })} />
          <span class="mono">{l.volume}</span>
          <button type="button" class="link" onClick={() => onChange(value.filter((_, j) => j !== i))}>{t.remove}</button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...value, { from: '12:00', to: '14:00', volume: 50 }])}>{s.addLevel}</button>
    </fieldset>
  );
}

interface StationRow {
  screenId: string;
  name: string;
}

/** The server's answer in sentences: stations left silent, stations that will air other audio. */
async function stationWarnings(kind: 'schedule' | 'broadcast', id: string | undefined, rule: Record<string, unknown>, playlists: Playlist[]): Promise<string[]> {
  const answer = await api<{ passedOver: StationRow[]; silent: StationRow[] }>('POST', '/schedules/station-check', { kind, ...(id ? { id } : {}), rule });
  const names = (rows: StationRow[]) => rows.map((r) => r.name).join(pick<string>('、', ', '));
  const playlist = playlists.find((p) => p.id === rule.playlistId)?.name ?? '';
  const warnings: string[] = [];
  if (answer.silent.length) warnings.push(s.stationsSilent(answer.silent.length, names(answer.silent)));
  if (answer.passedOver.length) warnings.push(s.stationsPassed(playlist, answer.passedOver.length, names(answer.passedOver)));
  return warnings;
}

function RuleForm({ editing, playlists, screens, onClose, onSaved }: { editing: Editing; playlists: Playlist[]; screens: ScreenWithStatus[]; onClose: () => void; onSaved: () => void }) {
  const initial: Record<string, unknown> =
    editing.rule ??
    (editing.kind === 'entry'
      ? { target: { kind: 'all' }, priority: 10, ...editing.preset }
      : editing.kind === 'broadcast'
        ? { target: { kind: 'all' }, priority: 0, times: ['07:00', '12:00', '18:00'] }
        : editing.kind === 'volume'
          ? { target: { kind: 'all' }, levels: [{ from: '07:00', to: '21:00', volume: 80 }], defaultVolume: 30 }
          : { target: { kind: 'all' }, name: '夜间静音', windows: [{ start: '22:00', end: '06:00' }] });
  const [draft, setDraft] = useState<Record<string, unknown>>(initial);
  const [timesText, setTimesText] = useState(((initial.times as string[] | undefined) ?? []).join(', '));
  const action = useAction();
  const [stationWarning, setStationWarning] = useState<string[] | null>(null);
  const allowed = can('schedules:write');
  const patch = (p: Record<string, unknown>) => (setDraft({ ...draft, ...p }), setStationWarning(null));
  const path = PATHS[editing.kind];
  const title = { entry: s.entry, broadcast: s.broadcast, quiet: s.quiet, volume: s.volume }[editing.kind];

  const body = () => {
    const { id: _i, createdAt: _c, updatedAt: _u, ...rest } = draft;
    const out: Record<string, unknown> = { ...rest };
    if (editing.kind === 'entry' && Array.isArray(out.windows) && out.windows.length === 0) delete out.windows;
    if (editing.kind === 'broadcast') out.times = timesText.split(/[,，\s]+/).filter(Boolean);
    if (typeof out.name === 'string' && !out.name.trim() && editing.kind === 'entry') delete out.name;
    for (const k of Object.keys(out)) if (out[k] === undefined || out[k] === '') delete out[k];
    return out;
  };
  const save = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      // Schedules and broadcasts: first ask what they would leave the stations they reach; warn once.
      if (!stationWarning && (editing.kind === 'entry' || editing.kind === 'broadcast')) {
        const warnings = await stationWarnings(editing.kind === 'entry' ? 'schedule' : 'broadcast', editing.rule?.id, body(), playlists);
        if (warnings.length) return setStationWarning(warnings);
      }
      if (editing.rule) await api('PUT', `${path}/${encodeURIComponent(editing.rule.id)}`, body());
      else await api('POST', path, body());
      onSaved();
      onClose();
    });
  };
  const remove = () =>
    action.run(async () => {
      if (!editing.rule || !confirm(t.deleteConfirm(title))) return;
      await api('DELETE', `${path}/${encodeURIComponent(editing.rule.id)}`);
      onSaved();
      onClose();
    });
  return (
    <Modal title={`${title}${editing.rule ? '' : ` · ${t.create}`}`} onClose={onClose}>
      <form onSubmit={save} data-testid={`${editing.kind}-form`}>
        <fieldset disabled={!allowed}>
          <Field label={editing.kind === 'entry' ? s.entryName : t.name}>
            <input name="name" required={editing.kind !== 'entry'} maxLength={120} value={(draft.name as string) ?? ''} onInput={(e) => patch({ name: (e.target as HTMLInputElement).value })} />
          </Field>
          {(editing.kind === 'entry' || editing.kind === 'broadcast') && (
            <div class="row">
              <Field label={t.playlist}>
                <select name="playlistId" required value={(draft.playlistId as string) ?? ''} onChange={(e) => patch({ playlistId: (e.target as HTMLSelectElement).value })}>
                  <option value="" />
                  {playlists.map((p) => <option value={p.id}>{p.name}</option>)}
                </select>
              </Field>
              <Field label={t.priority} hint={s.priorityHint}>
                <input name="priority" type="number" min={0} max={1000} value={String(draft.priority ?? 0)} onInput={(e) => patch({ priority: Number((e.target as HTMLInputElement).value) })} />
              </Field>
            </div>
          )}
          <TargetEditor value={draft.target as Target} onChange={(target) => patch({ target })} screens={screens} />
          {editing.kind === 'broadcast' ? (
            <Field label={s.times}><input name="times" required value={timesText} onInput={(e) => setTimesText((e.target as HTMLInputElement).value)} /></Field>
          ) : editing.kind === 'volume' ? (
            <LevelsEditor value={(draft.levels as VolumeLevel[] | undefined) ?? []} onChange={(levels) => patch({ levels })} />
          ) : (
            <WindowsEditor value={(draft.windows as TimeWindow[] | undefined) ?? []} allowEmpty={editing.kind === 'entry'} onChange={(windows) => patch({ windows })} />
          )}
          {editing.kind === 'volume' ? (
            <>
              <Field label={s.defaultVolume}>
                <input name="defaultVolume" type="number" min={0} max={100} value={draft.defaultVolume === undefined ? '' : String(draft.defaultVolume)} onInput={(e) => {
                  const v = (e.target as HTMLInputElement).value;
                  patch({ defaultVolume: v === '' ? undefined : Number(v) });
                }} />
              </Field>
              <Field label={s.weekdays}><WeekdaysEditor value={draft.weekdays as number[] | undefined} onChange={(weekdays) => patch({ weekdays })} /></Field>
            </>
          ) : (
            <CalendarFields value={draft} onChange={patch} />
          )}
        </fieldset>
        <ErrorNote error={action.error} />
        {stationWarning && (
          <div class="warning" role="alert" data-testid="station-warning">
            {stationWarning.map((w) => <p>{w}</p>)}
          </div>
        )}
        <div class="buttons">
          {editing.rule && <Guarded allowed={allowed} class="danger" name="delete" onClick={() => void remove()}>{t.delete}</Guarded>}
          <span class="spacer" />
          <button type="button" onClick={onClose}>{t.cancel}</button>
          <Guarded allowed={allowed} type="submit" class="primary" name="save" disabled={action.busy} onClick={() => undefined}>{stationWarning ? s.saveAnyway : t.save}</Guarded>
        </div>
      </form>
    </Modal>
  );
}

function RuleList<R extends { id: string; name?: string | undefined; target: Target }>({ title, rules, describe, onEdit, screens }: { title: string; rules: R[]; describe: (r: R) => string; onEdit: (r: R) => void; screens: ScreenWithStatus[] }) {
  return (
    <div class="rule-list">
      <h3>{title}</h3>
      {rules.length === 0 && <p class="muted">{s.nothing}</p>}
      <ul>
        {rules.map((r) => (
          <li>
            <button class="link" onClick={() => onEdit(r)} data-rule-id={r.id}>{r.name}</button> <span class="muted">{describe(r)} · {describeTarget(r.target, screens)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function SchedulesPage() {
  const entries = useResource(() => get<ScheduleEntry[]>('/schedules'), ['catalogue']);
  const broadcasts = useResource(() => get<Broadcast[]>('/broadcasts'), ['catalogue']);
  const quiet = useResource(() => get<QuietHours[]>('/quiet-hours'), ['catalogue']);
  const alerts = useResource(() => get<Alert[]>('/alerts'), ['catalogue']);
  // Volume schedules come with audio stations: a server without them answers 404 and the list hides.
  const volumes = useResource(() => get<VolumeSchedule[]>('/volume-schedules').catch((e: unknown) => (e instanceof ApiError && e.isMissingRoute ? null : Promise.reject(e))), ['catalogue']);
  const playlists = useResource(() => get<Playlist[]>('/playlists'), ['catalogue']);
  const screens = useResource(() => get<ScreenWithStatus[]>('/screens'), ['screens']);
  const [monday, setMonday] = useState(() => mondayOf(localDate(Date.now())));
  const [editing, setEditing] = useState<Editing | null>(null);
  const error = entries.error ?? playlists.error;
  if (!entries.data || !playlists.data || !broadcasts.data || !quiet.data) return <Loading error={error} />;
  const names = new Map(playlists.data.map((p) => [p.id, p.name]));
  const allowed = can('schedules:write');
  const reload = () => (entries.reload(), broadcasts.reload(), quiet.reload(), volumes.reload());
  const now = Date.now();
  return (
    <section>
      <h2>
        {s.heading} <small>{s.week(monday, addDays(monday, 6))}</small>
        <span class="spacer" />
        <button onClick={() => setMonday(addDays(monday, -7))}>{s.prev}</button>
        <button onClick={() => setMonday(mondayOf(localDate(Date.now())))}>{s.thisWeek}</button>
        <button onClick={() => setMonday(addDays(monday, 7))}>{s.next}</button>
      </h2>
      <div class="toolbar">
        <Guarded allowed={allowed} class="primary" name="new-entry" onClick={() => setEditing({ kind: 'entry', rule: null })}>+ {s.newEntry}</Guarded>
        <Guarded allowed={allowed} name="new-broadcast" onClick={() => setEditing({ kind: 'broadcast', rule: null })}>+ {s.newBroadcast}</Guarded>
        <Guarded allowed={allowed} name="new-quiet" onClick={() => setEditing({ kind: 'quiet', rule: null })}>+ {s.newQuiet}</Guarded>
        {volumes.data && <Guarded allowed={allowed} name="new-volume" onClick={() => setEditing({ kind: 'volume', rule: null })}>+ {s.newVolume}</Guarded>}
        <span class="muted">{s.legend}</span>
      </div>
      <WeekView
        monday={monday}
        entries={entries.data}
        broadcasts={broadcasts.data}
        quiet={quiet.data}
        playlists={names}
        onEdit={(rule) => setEditing({ kind: 'entry', rule })}
        onNew={(date, hour) =>
          allowed &&
          setEditing({ kind: 'entry', rule: null, preset: { weekdays: [isoWeekday(date)], windows: [{ start: `${String(hour).padStart(2, '0')}:00`, end: hour === 23 ? '24:00' : `${String(hour + 1).padStart(2, '0')}:00` }] } })
        }
      />
      <div class="rule-lists">
        <RuleList title={s.broadcasts} rules={broadcasts.data} screens={screens.data ?? []} describe={(b) => `${b.times.join(' ')} · ${names.get(b.playlistId) ?? ''}`} onEdit={(rule) => setEditing({ kind: 'broadcast', rule })} />
        <RuleList title={s.quietHours} rules={quiet.data} screens={screens.data ?? []} describe={(q) => q.windows.map((w) => `${w.start}–${w.end}`).join(' ')} onEdit={(rule) => setEditing({ kind: 'quiet', rule })} />
        {volumes.data && (
          <RuleList title={s.volumes} rules={volumes.data} screens={screens.data ?? []} describe={(v) => v.levels.map((l) => `${l.from}–${l.to} ${l.volume}`).join(' ')} onEdit={(rule) => setEditing({ kind: 'volume', rule })} />
        )}
        <RuleList
          title={s.alerts}
          rules={(alerts.data ?? []).map((a) => ({ ...a, name: a.title })).slice(-10).reverse()}
          screens={screens.data ?? []}
          describe={(a: Alert) => `${formatTime(a.startsAt)} · ${a.clearedAt ? s.cleared : a.expiresAt && Date.parse(a.expiresAt) <= now ? s.expired : s.onAir}`}
          onEdit={() => undefined}
        />
      </div>
      {editing && <RuleForm editing={editing} playlists={playlists.data} screens={screens.data ?? []} onClose={() => setEditing(null)} onSaved={reload} />}
    </section>
  );
}
