// Pieces several pages share: dialogs, error notes, action buttons, media previews, target and
// time-window editors. Plain Preact, no UI kit.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { splitBilingual } from './bilingual.js';
import { ApiError } from './api.js';
import { lang, pick, t } from './i18n.js';
import type { MediaItem, ScreenWithStatus, Target, TimeWindow } from './types.js';

const s = pick(
  {
    targetKinds: { all: '全部屏幕', townships: '按乡镇', groups: '按分组', siteTypes: '按场所类型', screens: '指定屏幕' },
    target: '投放对象',
    others: '其他（用逗号分隔）',
    windows: '时段',
    allDay: '全天',
    addWindow: '添加时段',
    pickOne: '请至少选择一项',
    forbidden: '您没有权限执行此操作',
  },
  {
    targetKinds: { all: 'All screens', townships: 'Townships', groups: 'Groups', siteTypes: 'Site types', screens: 'Screens' },
    target: 'Target',
    others: 'Others (comma-separated)',
    windows: 'Time windows',
    allDay: 'all day',
    addWindow: 'Add window',
    pickOne: 'Choose at least one',
    forbidden: 'You are not allowed to do this',
  },
);

export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [props.onClose]);
  return (
    <div class="modal-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class={`modal ${props.wide ? 'wide' : ''}`} role="dialog" aria-label={props.title}>
        <header>
          <h3>{props.title}</h3>
          <button class="link" aria-label={t.close} onClick={props.onClose}>✕</button>
        </header>
        {props.children}
      </div>
    </div>
  );
}

/** Server messages say "中文 / English": the reader gets their own half, whole (bilingual.ts). */
export function inReadersLanguage(message: string): string {
  const halves = splitBilingual(message);
  if (!halves) return message;
  return lang === 'en' ? halves.en : halves.zh;
}

/** The server's own message for a refusal, in the reader's language. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.reason === 'forbidden' || error.reason === 'out-of-scope') return `${s.forbidden}：${inReadersLanguage(error.message)}`;
    return inReadersLanguage(error.message);
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const reason = error instanceof ApiError ? error.reason : undefined;
  return (
    <p class="error" role="alert" data-reason={reason} title={error instanceof Error ? error.message : undefined}>
      {messageOf(error)}
    </p>
  );
}

/** Runs an async action with a busy flag and its error kept for display. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

export function Field(props: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span>{props.label}</span>
      {props.children}
      {props.hint && <small class="muted">{props.hint}</small>}
    </label>
  );
}

export function Loading({ error }: { error?: Error | null }) {
  return error ? <ErrorNote error={error} /> : <p class="muted">{t.loading}</p>;
}

/** A small picture of any media item: thumbnail, poster, waveform or slogan preview. */
export function previewUrl(item: MediaItem): string | null {
  const r = item.renditions ?? [];
  const byRole = (role: string) => r.find((x) => x.role === role);
  const chosen = byRole('thumbnail') ?? byRole('poster') ?? byRole('preview') ?? byRole('waveform') ?? r.find((x) => x.role === 'display' && x.mime.startsWith('image/'));
  if (chosen) return `/media/${chosen.fileName}`;
  // Seeded files sit in /media/ under their own hash.
  if (item.kind === 'image' && item.file && !item.file.storedAs) return `/media/${item.hash}.${item.file.mime === 'image/png' ? 'png' : item.file.mime === 'image/webp' ? 'webp' : 'jpg'}`;
  return null;
}

/** The file to play in the page (video, audio), a rendition when there is one. */
export function playableUrl(item: MediaItem): string | null {
  const playback = item.renditions?.find((x) => x.role === 'playback');
  if (playback) return `/media/${playback.fileName}`;
  if ((item.kind === 'video' || item.kind === 'audio') && item.file && !item.file.storedAs) return `/media/${item.hash}.${item.kind === 'video' ? 'mp4' : 'mp3'}`;
  return null;
}

export function MediaThumb({ item, size = 'small' }: { item: MediaItem; size?: 'small' | 'large' }) {
  const url = previewUrl(item);
  if (item.kind === 'text' && item.slogan && !url) {
    return (
      <div class={`thumb slogan theme-${item.slogan.theme} ${size}`}>
        <strong>{item.slogan.headline}</strong>
      </div>
    );
  }
  return <div class={`thumb ${size} kind-${item.kind}`}>{url ? <img src={url} alt="" loading="lazy" /> : <span>{item.kind}</span>}</div>;
}

export const kindLabel = pick(
  { text: '标语', image: '图片', video: '视频', audio: '音频' } as Record<string, string>,
  { text: 'Slogan', image: 'Image', video: 'Video', audio: 'Audio' },
);

export function describeTarget(target: Target, screens: ScreenWithStatus[] = []): string {
  switch (target.kind) {
    case 'all':
      return s.targetKinds.all;
    case 'townships':
      return target.townships.join('、');
    case 'groups':
      return target.groups.join('、');
    case 'siteTypes':
      return target.siteTypes.join('、');
    case 'screens':
      return target.screenIds.map((id) => screens.find((x) => x.id === id)?.name ?? id).join('、');
  }
}

/** Chooses who a rule reaches: all, or townships / groups / site types / screens from the known values. */
export function TargetEditor({ value, onChange, screens }: { value: Target; onChange: (t: Target) => void; screens: ScreenWithStatus[] }) {
  const known = {
    townships: [...new Set(screens.map((x) => x.township).filter((x): x is string => !!x))].sort(),
    groups: [...new Set(screens.flatMap((x) => x.groups))].sort(),
    siteTypes: [...new Set(screens.map((x) => x.siteType).filter((x): x is string => !!x))].sort(),
  };
  const selected: string[] = value.kind === 'all' ? [] : value.kind === 'screens' ? value.screenIds : value.kind === 'townships' ? value.townships : value.kind === 'groups' ? value.groups : value.siteTypes;
  const build = (kind: Target['kind'], values: string[]): Target => {
    switch (kind) {
      case 'all':
        return { kind };
      case 'screens':
        return { kind, screenIds: values };
      case 'townships':
        return { kind, townships: values };
      case 'groups':
        return { kind, groups: values };
      case 'siteTypes':
        return { kind, siteTypes: values };
    }
  };
  const toggle = (v: string) => onChange(build(value.kind, selected.includes(v) ? selected.filter((x) => x !== v) : [...selected, v]));
  const options: { value: string; label: string }[] =
    value.kind === 'screens' ? screens.map((x) => ({ value: x.id, label: `${x.name}${x.township ? ` · ${x.township}` : ''}` })) : value.kind === 'all' ? [] : known[value.kind].map((v) => ({ value: v, label: v }));
  const extra = selected.filter((v) => !options.some((o) => o.value === v));
  return (
    <fieldset class="target-editor">
      <legend>{s.target}</legend>
      <select name="targetKind" value={value.kind} onChange={(e) => onChange(build((e.target as HTMLSelectElement).value as Target['kind'], []))}>
        {Object.entries(s.targetKinds).map(([k, label]) => (
          <option value={k}>{label}</option>
        ))}
      </select>
      {value.kind !== 'all' && (
        <div class="choices">
          {options.map((o) => (
            <label class="choice">
              <input type="checkbox" name={`target-${o.value}`} checked={selected.includes(o.value)} onChange={() => toggle(o.value)} /> {o.label}
            </label>
          ))}
          {value.kind !== 'screens' && (
            <input
              class="others"
              placeholder={s.others}
              value={extra.join(',')}
              onChange={(e) => {
                const typed = (e.target as HTMLInputElement).value.split(/[,，、]/).map((x) => x.trim()).filter(Boolean);
                onChange(build(value.kind, [...selected.filter((v) => options.some((o) => o.value === v)), ...typed]));
              }}
            />
          )}
          {selected.length === 0 && <small class="warn">{s.pickOne}</small>}
        </div>
      )}
    </fieldset>
  );
}

/** Daily windows [start, end); none means all day. `wrap` allows 22:00–06:00 (quiet hours). */
export function WindowsEditor({ value, onChange, allowEmpty = true }: { value: TimeWindow[]; onChange: (w: TimeWindow[]) => void; allowEmpty?: boolean }) {
  const set = (i: number, patch: Partial<TimeWindow>) => onChange(value.map((w, j) => (j === i ? { ...w, ...patch } : w)));
  return (
    <fieldset class="windows-editor">
      <legend>{s.windows}</legend>
      {value.length === 0 && allowEmpty && <span class="muted">{s.allDay}</span>}
      {value.map((w, i) => (
        <div class="window-row">
          <input type="time" name={`window-start-${i}`} value={w.start} onChange={(e) => set(i, { start: (e.target as HTMLInputElement).value })} />
          <span>–</span>
          <input type="time" name={`window-end-${i}`} value={w.end === '24:00' ? '23:59' : w.end} onChange={(e) => set(i, { end: (e.target as HTMLInputElement).value })} />
          <button type="button" class="link" onClick={() => onChange(value.filter((_, j) => j !== i))}>{t.remove}</button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...value, { start: '08:00', end: '12:00' }])}>{s.addWindow}</button>
    </fieldset>
  );
}

/** ISO weekdays 1–7; none chosen means every day. */
export function WeekdaysEditor({ value, onChange }: { value: number[] | undefined; onChange: (w: number[] | undefined) => void }) {
  const chosen = value ?? [1, 2, 3, 4, 5, 6, 7];
  return (
    <div class="weekdays">
      {t.weekdays.map((label, i) => (
        <label class="choice">
          <input
            type="checkbox"
            name={`weekday-${i + 1}`}
            checked={chosen.includes(i + 1)}
            onChange={() => {
              const next = chosen.includes(i + 1) ? chosen.filter((d) => d !== i + 1) : [...chosen, i + 1].sort();
              onChange(next.length === 7 || next.length === 0 ? undefined : next);
            }}
          />
          {label}
        </label>
      ))}
    </div>
  );
}

/** A button for a change the user's role may not make: disabled with the reason as its tooltip. */
export function Guarded(props: { allowed: boolean; onClick: () => void; children: ComponentChildren; class?: string; disabled?: boolean; name?: string; type?: 'button' | 'submit' }) {
  return (
    <button
      type={props.type ?? 'button'}
      name={props.name}
      class={props.class}
      disabled={!props.allowed || props.disabled}
      title={props.allowed ? undefined : t.readOnly}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}
