// The urgent alert: a red button on every page for those allowed, a confirmation that says how many
// screens it reaches, and the list of alerts on air with a clear button each. By default it takes a
// typed message (one step: no playlist; stations speak it); an existing playlist is the alternative.
import { useState } from 'preact/hooks';
import { targetsScreen } from '../../../playlists/targets.js';
import { api, get } from '../api.js';
import { describeTarget, ErrorNote, Field, Guarded, Modal, TargetEditor, useAction } from '../components.js';
import { formatTime } from '../format.js';
import { useResource } from '../hooks.js';
import { pick, t } from '../i18n.js';
import { can } from '../session.js';
import type { Alert, Playlist, ScreenWithStatus, Target } from '../types.js';

const s = pick(
  {
    button: '紧急插播',
    heading: '发布紧急插播',
    title: '标题',
    minutes: '持续（分钟，空 = 直到手动解除）',
    confirm: (n: number) => `确认立即向 ${n} 块屏幕插播？插播会打断所有正在播放的内容。`,
    send: '立即插播',
    onAir: '正在插播',
    clear: '解除',
    until: '至',
    untilCleared: '直到解除',
    reaches: (n: number) => `将送达 ${n} 块屏幕`,
    // One-step alert (a message, spoken on loudspeakers).
    content: '插播内容',
    byMessage: '输入文字（屏幕全屏显示，广播站普通话播报）',
    byPlaylist: '使用已有播放列表',
    headline: '标题（大字）',
    subline: '副标题（可选）',
    repeats: '广播站播报次数（每次先响提示音，0 = 不播报）',
    airings: '广播站播放次数（空 = 插播期间一直循环）',
    // What happens, said exactly (playlists/alert-airings.ts): stations repeat N times, screens keep it up.
    spokenNote: (n: number) => `广播站重复播报 ${n} 次后恢复正常节目（静音时段内不播报）；屏幕全屏显示，直到解除或到期。`,
    silentNote: '广播站不播报，照常播放；屏幕全屏显示，直到解除或到期。',
    airingsNote: (n: number) => `广播站播放其中的音频 ${n} 遍后恢复正常节目（静音时段内不播）；屏幕显示，直到解除或到期。`,
    loopNote: '广播站在插播期间循环播放其中的音频（静音时段内不播）；屏幕显示，直到解除或到期。',
    airingsTag: (n: number) => `广播 ${n} 次`,
  },
  {
    button: 'Urgent alert',
    heading: 'Send an urgent alert',
    title: 'Title',
    minutes: 'Duration (minutes; empty = until cleared)',
    confirm: (n: number) => `Put this on ${n} screen(s) now? It interrupts everything that is airing.`,
    send: 'Send now',
    onAir: 'On air',
    clear: 'Clear',
    until: 'until',
    untilCleared: 'until cleared',
    reaches: (n: number) => `Reaches ${n} screen(s)`,
    content: 'Content',
    byMessage: 'Type a message (full-screen on screens, spoken in Mandarin at stations)',
    byPlaylist: 'Use an existing playlist',
    headline: 'Headline (large type)',
    subline: 'Subline (optional)',
    repeats: 'Times stations air it (a chime before each; 0 = not spoken)',
    airings: 'Times stations air its audio (empty = loop while on air)',
    spokenNote: (n: number) => `Stations air it ${n} time(s), then return to their normal programme (not in quiet hours); screens show it full-screen until cleared or expired.`,
    silentNote: 'Stations are not told and keep their programme; screens show it full-screen until cleared or expired.',
    airingsNote: (n: number) => `Stations air its audio ${n} time(s), then return to their normal programme (not in quiet hours); screens show it until cleared or expired.`,
    loopNote: 'Stations loop its audio while it is on air (not in quiet hours); screens show it until cleared or expired.',
    airingsTag: (n: number) => `aired ${n}× at stations`,
  },
);

export function AlertDialog({ onClose }: { onClose: () => void }) {
  const playlists = useResource(() => get<Playlist[]>('/playlists'), ['catalogue']);
  const screens = useResource(() => get<ScreenWithStatus[]>('/screens'), ['screens']);
  const [title, setTitle] = useState('');
  const [playlistId, setPlaylistId] = useState('');
  const [content, setContent] = useState<'message' | 'playlist'>('message');
  const [subline, setSubline] = useState('');
  const [repeats, setRepeats] = useState('3');
  const [airings, setAirings] = useState('');
  const [target, setTarget] = useState<Target>({ kind: 'all' });
  const [minutes, setMinutes] = useState('');
  const action = useAction();
  const reached = (screens.data ?? []).filter((x) => targetsScreen(target, x)).length;
  const submit = (e: Event) => {
    e.preventDefault();
    if (!confirm(s.confirm(reached))) return;
    void action.run(async () => {
      const expiresAt = minutes ? new Date(Date.now() + Number(minutes) * 60_000).toISOString() : undefined;
      const ends = expiresAt ? { expiresAt } : {};
      if (content === 'message') {
        await api('POST', '/alerts/message', { headline: title, ...(subline.trim() ? { subline } : {}), target, repeats: Number(repeats), ...ends });
      } else {
        await api('POST', '/alerts', { title, playlistId, target, ...(airings ? { airings: Number(airings) } : {}), ...ends });
      }
      onClose();
    });
  };
  return (
    <Modal title={s.heading} onClose={onClose}>
      <form onSubmit={submit} data-testid="alert-form" class="alert-form">
        <Field label={s.content}>
          <select name="content" value={content} onChange={(e) => setContent((e.target as HTMLSelectElement).value as 'message' | 'playlist')}>
            <option value="message">{s.byMessage}</option>
            <option value="playlist">{s.byPlaylist}</option>
          </select>
        </Field>
        <Field label={content === 'message' ? s.headline : s.title}>
          <input name="title" required maxLength={content === 'message' ? 80 : 120} value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
        </Field>
        {content === 'message' ? (
          <>
            <Field label={s.subline}><input name="subline" maxLength={160} value={subline} onInput={(e) => setSubline((e.target as HTMLInputElement).value)} /></Field>
            <Field label={s.repeats}><input name="repeats" type="number" min={0} max={10} required value={repeats} onInput={(e) => setRepeats((e.target as HTMLInputElement).value)} /></Field>
            <p class="muted" data-testid="alert-airings-note">{Number(repeats) > 0 ? s.spokenNote(Number(repeats)) : s.silentNote}</p>
          </>
        ) : (
          <>
            <Field label={t.playlist}>
              <select name="playlistId" required value={playlistId} onChange={(e) => setPlaylistId((e.target as HTMLSelectElement).value)}>
                <option value="" />
                {(playlists.data ?? []).map((p) => <option value={p.id}>{p.name}</option>)}
              </select>
            </Field>
            <Field label={s.airings}><input name="airings" type="number" min={1} max={10} value={airings} onInput={(e) => setAirings((e.target as HTMLInputElement).value)} /></Field>
            <p class="muted" data-testid="alert-airings-note">{Number(airings) > 0 ? s.airingsNote(Number(airings)) : s.loopNote}</p>
          </>
        )}
        <TargetEditor value={target} onChange={setTarget} screens={screens.data ?? []} />
        <Field label={s.minutes}><input name="minutes" type="number" min={1} max={10080} value={minutes} onInput={(e) => setMinutes((e.target as HTMLInputElement).value)} /></Field>
        <p class="muted">{s.reaches(reached)}</p>
        <ErrorNote error={action.error} />
        <div class="buttons">
          <button type="button" onClick={onClose}>{t.cancel}</button>
          <button class="alert-button" type="submit" disabled={action.busy}>{s.send}</button>
        </div>
      </form>
    </Modal>
  );
}

export function AlertButton() {
  const [open, setOpen] = useState(false);
  if (!can('alerts:write')) return null;
  return (
    <>
      <button class="alert-button" name="urgent-alert" onClick={() => setOpen(true)}>⚠ {s.button}</button>
      {open && <AlertDialog onClose={() => setOpen(false)} />}
    </>
  );
}

/** The alerts on air, above every page, each with a clear button. */
export function ActiveAlerts() {
  const alerts = useResource(() => get<Alert[]>('/alerts?active=true'), ['catalogue']);
  const screens = useResource(() => get<ScreenWithStatus[]>('/screens'), ['screens']);
  const action = useAction();
  if (!alerts.data || alerts.data.length === 0) return null;
  return (
    <div class="active-alerts" data-testid="active-alerts">
      {alerts.data.map((a) => (
        <div class="active-alert" data-alert-id={a.id}>
          <strong>⚠ {s.onAir}：{a.title}</strong>
          <span>{describeTarget(a.target, screens.data ?? [])} · {a.expiresAt ? `${s.until} ${formatTime(a.expiresAt)}` : s.untilCleared}{a.airings ? ` · ${s.airingsTag(a.airings)}` : ''}</span>
          <Guarded allowed={can('alerts:write')} name="clear-alert" disabled={action.busy} onClick={() => void action.run(async () => (await api('POST', `/alerts/${encodeURIComponent(a.id)}/clear`), alerts.reload()))}>
            {s.clear}
          </Guarded>
        </div>
      ))}
      <ErrorNote error={action.error} />
    </div>
  );
}
