// Screens: claim a pairing code, edit what scheduling matches (name, site from the register, groups),
// send commands, revoke, and preview what a screen will air over the next day and why.
import { useState } from 'preact/hooks';
import { api, ApiError, get } from '../api.js';
import { ErrorNote, Field, Guarded, Loading, Modal, useAction } from '../components.js';
import { formatTime, minutesSince } from '../format.js';
import { navigate, useResource } from '../hooks.js';
import { pick, t } from '../i18n.js';
import { describeWhy, type SegmentWhy } from '../reasons.js';
import { can } from '../session.js';
import { SitePicker } from '../site-picker.js';
import type { ScreenWithStatus } from '../types.js';

const s = pick(
  {
    heading: '屏幕',
    claim: '认领新屏幕',
    code: '配对码（屏幕上显示的 6 位字符）',
    claimButton: '认领',
    unknownCode: '没有这个配对码：请核对屏幕上显示的字符',
    claimed: (name: string) => `已认领：${name}`,
    filterTownship: '乡镇',
    commands: { reload: '重新加载', identify: '识别', volume: '音量' } as Record<string, string>,
    revoke: '吊销',
    revokeConfirm: (name: string) => `吊销「${name}」？该播放器将停止播出，需重新配对。`,
    revoked: '已吊销',
    codeShort: '配对码',
    timeline: '节目预览',
    groupsHint: '用逗号分隔',
    lastSeen: '最近联系',
    airing: '正在播放',
    sent: (n: number) => `已发送到 ${n} 个连接`,
    volumeLevel: '音量（0–100）',
    segment: '时段',
    why: '原因',
    items: '节目',
    quiet: '静音',
    player: '播放器',
    audio: '广播站',
    sources: { default: '默认宣传', schedule: '排期', broadcast: '定时广播', alert: '紧急插播', none: '无' } as Record<string, string>,
    sound: '视频声音',
    soundOptions: { auto: '自动（按场所类型；广播站开，屏幕关）', on: '开（跟随音量计划和静音时段）', off: '关（静音播放）' } as Record<string, string>,
    siteTypeSound: (siteType: string) => `场所类型「${siteType}」的视频声音（全县）`,
    siteTypeOptions: { auto: '未设置', on: '开', off: '关' } as Record<string, string>,
    soundNow: (on: boolean): string => (on ? '当前：有声' : '当前：静音'),
    soundBlocked: '声音被浏览器阻止',
  },
  {
    heading: 'Screens',
    claim: 'Claim a new screen',
    code: 'Pairing code (6 characters shown on the screen)',
    claimButton: 'Claim',
    unknownCode: 'No such pairing code: check the characters on the screen',
    claimed: (name: string) => `Claimed: ${name}`,
    filterTownship: 'Township',
    commands: { reload: 'Reload', identify: 'Identify', volume: 'Volume' },
    revoke: 'Revoke',
    revokeConfirm: (name: string) => `Revoke “${name}”? The player stops airing until paired again.`,
    revoked: 'revoked',
    codeShort: 'code',
    timeline: 'Timeline',
    groupsHint: 'comma-separated',
    lastSeen: 'Last seen',
    airing: 'Airing',
    sent: (n: number) => `Sent to ${n} connection(s)`,
    volumeLevel: 'Volume (0–100)',
    segment: 'When',
    why: 'Why',
    items: 'Items',
    quiet: 'quiet',
    player: 'Player',
    audio: 'audio station',
    sources: { default: 'default campaign', schedule: 'schedule', broadcast: 'broadcast', alert: 'alert', none: 'nothing' },
    sound: 'Video sound',
    soundOptions: { auto: 'Automatic (by site type; on for stations, off for screens)', on: 'On (follows the volume schedule and quiet hours)', off: 'Off (muted)' },
    siteTypeSound: (siteType: string) => `Video sound of site type “${siteType}” (county-wide)`,
    siteTypeOptions: { auto: 'not set', on: 'on', off: 'off' },
    soundNow: (on: boolean) => (on ? 'now: with sound' : 'now: muted'),
    soundBlocked: 'sound blocked',
  },
);

type Editable = { name: string; siteId: string; groups: string };
const editableOf = (x?: Partial<ScreenWithStatus>): Editable => ({ name: x?.name ?? '', siteId: x?.siteId ?? '', groups: (x?.groups ?? []).join(', ') });
/** The place is a site of the register; clearing it on a placed screen detaches it (null). */
const bodyOf = (e: Editable, wasPlaced = false) => ({
  name: e.name.trim(),
  ...(e.siteId ? { siteId: e.siteId } : wasPlaced ? { siteId: null } : {}),
  groups: e.groups.split(/[,，、]/).map((g) => g.trim()).filter(Boolean),
});

function ScreenFields({ value, onChange, disabled }: { value: Editable; onChange: (v: Editable) => void; disabled?: boolean }) {
  const input = (key: 'name' | 'groups', label: string, extra: Record<string, unknown> = {}) => (
    <Field label={label}>
      <input name={key} value={value[key]} disabled={disabled} onInput={(e) => onChange({ ...value, [key]: (e.target as HTMLInputElement).value })} {...extra} />
    </Field>
  );
  return (
    <>
      {input('name', t.name, { required: true, maxLength: 120 })}
      <SitePicker value={value.siteId} disabled={disabled} onChange={(siteId) => onChange({ ...value, siteId })} />
      {input('groups', `${t.groups}（${s.groupsHint}）`)}
    </>
  );
}

function ClaimForm({ onClaimed, onClose }: { onClaimed: () => void; onClose: () => void }) {
  const [code, setCode] = useState('');
  const [fields, setFields] = useState<Editable>(editableOf());
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      const screen = await api<ScreenWithStatus>('POST', '/screens/claim', { code: code.trim().toUpperCase(), ...bodyOf(fields) });
      setDone(s.claimed(screen.name));
      setCode('');
      setFields(editableOf());
      onClaimed();
    });
  };
  const unknown = action.error instanceof ApiError && action.error.reason === 'unknown-pairing-code';
  return (
    <Modal title={s.claim} onClose={onClose}>
    <form class="claim" onSubmit={submit} data-testid="claim-form">
      <Field label={s.code}><input name="code" class="code-input" required minLength={6} maxLength={6} value={code} onInput={(e) => setCode((e.target as HTMLInputElement).value.toUpperCase())} /></Field>
      <ScreenFields value={fields} onChange={setFields} />
      {unknown ? <p class="error" role="alert">{s.unknownCode}</p> : <ErrorNote error={action.error} />}
      {done && <p class="ok">{done}</p>}
      <div class="buttons">
        <span class="spacer" />
        <button type="button" onClick={onClose}>{t.close}</button>
        <button class="primary" type="submit" disabled={action.busy}>{s.claimButton}</button>
      </div>
    </form>
    </Modal>
  );
}

interface TimelineSegment extends SegmentWhy {
  start: string;
  end: string;
  items: { title: string; durationMs: number }[];
}

function TimelinePreview({ screen }: { screen: ScreenWithStatus }) {
  const timeline = useResource(() => get<{ segments: TimelineSegment[]; from: string; to: string }>(`/screens/${encodeURIComponent(screen.id)}/timeline`), ['catalogue']);
  if (!timeline.data) return <Loading error={timeline.error} />;
  const from = Date.parse(timeline.data.from);
  const span = Date.parse(timeline.data.to) - from;
  return (
    <div class="timeline" data-testid="timeline">
      <div class="timeline-bar">
        {timeline.data.segments.map((seg) => (
          <span
            class={`seg source-${seg.source.kind} ${seg.isQuiet ? 'quiet' : ''}`}
            style={{ left: `${(100 * (Date.parse(seg.start) - from)) / span}%`, width: `${(100 * (Date.parse(seg.end) - Date.parse(seg.start))) / span}%` }}
            title={`${formatTime(seg.start)}–${formatTime(seg.end)} ${seg.playlistName ?? ''}`}
          />
        ))}
      </div>
      <table>
        <thead><tr><th>{s.segment}</th><th>{t.playlist}</th><th>{s.why}</th><th>{s.items}</th></tr></thead>
        <tbody>
          {timeline.data.segments.map((seg) => (
            <tr class={`source-${seg.source.kind}`}>
              <td>{formatTime(seg.start)} – {formatTime(seg.end)}{seg.isQuiet && <span class="pill">{s.quiet}</span>}</td>
              <td>{seg.playlistName ?? '—'}</td>
              <td data-field="why"><strong>{s.sources[seg.source.kind] ?? seg.source.kind}</strong> <span class="muted">{describeWhy(seg)}</span></td>
              <td class="muted">{seg.items.slice(0, 4).map((i) => i.title).join('、')}{seg.items.length > 4 ? ` …(${seg.items.length})` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Reload and identify; volume is its own control with a level. */
const PLAIN_COMMANDS = ['reload', 'identify'] as const;

function ScreenDetail({ screen, onClose, onChanged }: { screen: ScreenWithStatus; onClose: () => void; onChanged: () => void }) {
  const [fields, setFields] = useState<Editable>(editableOf(screen));
  const [volume, setVolume] = useState(80);
  const [sound, setSound] = useState<string>(screen.sound ?? 'auto');
  const siteTypeSound = useResource(() => get<Record<string, 'on' | 'off'>>('/site-type-sound'), ['catalogue']);
  const [note, setNote] = useState<string | null>(null);
  const action = useAction();
  const mayEdit = can('screens:write');
  const mayCommand = can('screens:command');
  const send = (command: string) =>
    action.run(async () => {
      const answer = await api<{ delivered: number }>('POST', `/screens/${encodeURIComponent(screen.id)}/commands`, command === 'volume' ? { command, volume } : { command });
      setNote(s.sent(answer.delivered));
    });
  const save = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      await api('PATCH', `/screens/${encodeURIComponent(screen.id)}`, { ...bodyOf(fields, !!screen.siteId), sound });
      onChanged();
      setNote(t.saved);
    });
  };
  const revoke = () =>
    action.run(async () => {
      if (!confirm(s.revokeConfirm(screen.name))) return;
      await api('POST', `/screens/${encodeURIComponent(screen.id)}/revoke`);
      onChanged();
      onClose();
    });
  return (
    <Modal title={screen.name} onClose={onClose} wide>
      <div class="screen-detail" data-testid="screen-detail" data-screen-id={screen.id}>
        <form onSubmit={save}>
          <ScreenFields value={fields} onChange={setFields} disabled={!mayEdit} />
          <div class="row">
            <Field label={s.sound} hint={screen.status.sound === undefined ? undefined : s.soundNow(screen.status.sound)}>
              <select name="sound" value={sound} disabled={!mayEdit} onChange={(e) => setSound((e.target as HTMLSelectElement).value)}>
                {Object.entries(s.soundOptions).map(([value, label]) => <option value={value}>{label}</option>)}
              </select>
            </Field>
            {screen.siteType && siteTypeSound.data && (
              <Field label={s.siteTypeSound(screen.siteType)}>
                <select name="siteTypeSound" value={siteTypeSound.data[screen.siteType] ?? 'auto'} disabled={!can('users:admin')} onChange={(e) => void action.run(async () => {
                  await api('PUT', '/site-type-sound', { siteType: screen.siteType, sound: (e.target as HTMLSelectElement).value });
                  siteTypeSound.reload();
                  onChanged();
                })}>
                  {Object.entries(s.siteTypeOptions).map(([value, label]) => <option value={value}>{label}</option>)}
                </select>
              </Field>
            )}
          </div>
          <div class="buttons">
            {PLAIN_COMMANDS.map((c) => (
              <Guarded allowed={mayCommand} name={c} disabled={!screen.status.isOnline || action.busy} onClick={() => void send(c)}>{s.commands[c] ?? c}</Guarded>
            ))}
            <span class="inline">
              <input type="range" name="volume" min={0} max={100} value={volume} disabled={!mayCommand} onInput={(e) => setVolume(Number((e.target as HTMLInputElement).value))} /> {volume}
              <Guarded allowed={mayCommand} name="volume" disabled={!screen.status.isOnline || action.busy} onClick={() => void send('volume')}>{s.commands.volume}</Guarded>
            </span>
            {!screen.isProvisional && !screen.revokedAt && <Guarded allowed={mayEdit} class="danger" name="revoke" onClick={() => void revoke()}>{s.revoke}</Guarded>}
            <span class="spacer" />
            <Guarded allowed={mayEdit} type="submit" class="primary" name="save" disabled={action.busy} onClick={() => undefined}>{t.save}</Guarded>
          </div>
          <ErrorNote error={action.error} />
          {note && <p class="ok">{note}</p>}
        </form>
        <h3>{s.timeline}</h3>
        <TimelinePreview screen={screen} />
      </div>
    </Modal>
  );
}

export function ScreensPage({ selected }: { selected: string | undefined }) {
  const screens = useResource(() => get<ScreenWithStatus[]>('/screens'), ['screens', 'catalogue']);
  const [township, setTownship] = useState('');
  const [query, setQuery] = useState('');
  const [claiming, setClaiming] = useState(false);
  if (!screens.data) return <Loading error={screens.error} />;
  const townships = [...new Set(screens.data.map((x) => x.township).filter((x): x is string => !!x))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  const shown = screens.data
    .filter((x) => (!township || (township === '-' ? !x.township : x.township === township)) && (!query || `${x.name} ${x.site ?? ''} ${x.id}`.includes(query)))
    .sort((a, b) => (a.township ?? '').localeCompare(b.township ?? '', 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN'));
  const open = selected ? screens.data.find((x) => x.id === selected) : undefined;
  const now = Date.now();
  return (
    <section>
      <h2>
        {s.heading} <small>{screens.data.length}</small>
        <span class="spacer" />
        {can('screens:write') && <button class="primary" name="claim" onClick={() => setClaiming(true)}>+ {s.claim}</button>}
      </h2>
      {claiming && <ClaimForm onClaimed={screens.reload} onClose={() => setClaiming(false)} />}
      <div class="filters">
        <input type="search" placeholder={t.search} value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
        <select name="township" value={township} onChange={(e) => setTownship((e.target as HTMLSelectElement).value)}>
          <option value="">{s.filterTownship}: {t.all}</option>
          {townships.map((x) => <option value={x}>{x}</option>)}
          <option value="-">{t.noTownship}</option>
        </select>
      </div>
      <table data-testid="screens">
        <thead>
          <tr><th>{t.name}</th><th>{t.township}</th><th>{t.site}</th><th>{t.groups}</th><th>{t.state}</th><th>{s.airing}</th><th>{s.lastSeen}</th><th /></tr>
        </thead>
        <tbody>
          {shown.map((x) => {
            const since = minutesSince(x.status.lastHeartbeatAt, now);
            return (
              <tr key={x.id} data-screen-id={x.id} data-township={x.township ?? ''} class={x.status.isOnline ? 'is-online' : 'is-offline'}>
                <td>
                  <strong>{x.name}</strong>
                  {x.isProvisional && <span class="badge">{t.provisional}</span>}
                  {x.revokedAt && <span class="pill danger">{s.revoked}</span>}
                  <div class="muted mono">{x.pairingCode ? `${s.codeShort} ${x.pairingCode}` : x.id}</div>
                </td>
                <td>{x.township ?? '—'}</td>
                <td>{[x.site, x.siteType].filter(Boolean).join(' · ') || '—'}</td>
                <td>{x.groups.join('、') || '—'}</td>
                <td>
                  <span class="dot" /> {x.status.isOnline ? t.online : t.offline}{x.status.mode === 'audio' ? ` · ${s.audio}` : ''}
                  {x.status.isOnline && x.status.soundBlocked && <span class="pill danger" data-testid="sound-blocked">{s.soundBlocked}</span>}
                </td>
                <td>{x.status.airing?.title ?? '—'}</td>
                <td title={formatTime(x.status.lastHeartbeatAt, true)}>{since === null ? t.never : t.ago(since)}</td>
                <td><button name="open" onClick={() => navigate(`screens/${encodeURIComponent(x.id)}`)}>{can('screens:write') ? t.edit : s.timeline}</button></td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {open && <ScreenDetail key={open.id} screen={open} onClose={() => navigate('screens')} onChanged={screens.reload} />}
    </section>
  );
}
