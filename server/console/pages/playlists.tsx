// The playlist editor: items dragged into order (SortableJS), durations, share of voice, and a preview
// that plays the loop in the page the way a screen would.
import Sortable from 'sortablejs';
import { useEffect, useRef, useState } from 'preact/hooks';
import { weaveShareOfVoice } from '../../../playlists/share-of-voice.js';
import { api, ApiError, get } from '../api.js';
import { ErrorNote, Field, Guarded, kindLabel, Loading, MediaThumb, playableUrl, previewUrl, useAction } from '../components.js';
import { formatDuration } from '../format.js';
import { navigate, useResource } from '../hooks.js';
import { pick, t } from '../i18n.js';
import { can } from '../session.js';
import type { MediaItem, Playlist } from '../types.js';

const DEFAULT_STILL_MS = 10_000;

const s = pick(
  {
    heading: '播放列表',
    newPlaylist: '新建播放列表',
    description: '说明',
    items: '节目（拖动调整顺序）',
    duration: '时长（秒）',
    ownLength: '按素材时长',
    perHour: '每小时至少（次）',
    share: '播出占比',
    addMedia: '添加素材',
    loop: (n: number, ms: string) => `${n} 个节目，一轮 ${ms}`,
    preview: '预览播放',
    stop: '停止预览',
    noItems: '从右侧素材中点击添加节目。',
    scheduled: '此播放列表仍被排期使用，请先删除相关排期。',
    isDefault: '这是默认宣传内容，不能删除。',
    notApproved: '未审核',
    pick: '选择一个播放列表，或新建一个。',
    used: '已在列表中',
  },
  {
    heading: 'Playlists',
    newPlaylist: 'New playlist',
    description: 'Description',
    items: 'Items (drag to reorder)',
    duration: 'Duration (s)',
    ownLength: 'own length',
    perHour: 'At least per hour',
    share: 'Share of voice',
    addMedia: 'Add media',
    loop: (n: number, ms: string) => `${n} items, one loop ${ms}`,
    preview: 'Play preview',
    stop: 'Stop preview',
    noItems: 'Click media on the right to add items.',
    scheduled: 'Schedules still use this playlist: delete them first.',
    isDefault: 'This is the default campaign and cannot be deleted.',
    notApproved: 'not approved',
    pick: 'Choose a playlist, or make a new one.',
    used: 'in the list',
  },
);

interface Row {
  key: string;
  id?: string;
  mediaId: string;
  durationMs?: number | undefined;
  minPerHour?: number | undefined;
}

const lengthOf = (row: Row, media?: MediaItem) => row.durationMs ?? media?.file?.durationMs ?? DEFAULT_STILL_MS;
const needsDuration = (media?: MediaItem) => !media || media.kind === 'text' || media.kind === 'image';
let keySeq = 0;
const toRows = (p: Playlist | null): Row[] => (p?.items ?? []).map((i) => ({ key: `k${keySeq++}`, id: i.id, mediaId: i.mediaId, durationMs: i.durationMs, minPerHour: i.minPerHour }));

/** Plays the rows in order, each for its length, looping: what a landscape screen shows. */
function PreviewLoop({ rows, media }: { rows: Row[]; media: Map<string, MediaItem> }) {
  const [index, setIndex] = useState(0);
  useEffect(() => {
    if (rows.length === 0) return;
    const row = rows[index % rows.length]!;
    const timer = setTimeout(() => setIndex((i) => (i + 1) % rows.length), lengthOf(row, media.get(row.mediaId)));
    return () => clearTimeout(timer);
  }, [index, rows, media]);
  if (rows.length === 0) return null;
  const row = rows[index % rows.length]!;
  const item = media.get(row.mediaId);
  const display = item?.renditions?.find((r) => r.role === 'display' && r.profile === '1920x1080') ?? item?.renditions?.find((r) => r.role === 'display');
  return (
    <div class="preview-loop" data-testid="preview-loop" data-index={index % rows.length} data-media-id={row.mediaId}>
      {!item ? null : item.kind === 'text' && item.slogan ? (
        <div class={`slogan-preview theme-${item.slogan.theme} ${item.slogan.variant ?? 'slide'}`}>
          <strong>{item.slogan.headline}</strong>
          {item.slogan.subline && <span>{item.slogan.subline}</span>}
        </div>
      ) : item.kind === 'video' && playableUrl(item) ? (
        <video src={playableUrl(item)!} autoplay muted />
      ) : item.kind === 'audio' && playableUrl(item) ? (
        <div class="audio-card">
          {previewUrl(item) && <img src={previewUrl(item)!} alt="" />}
          <span>♪ {item.title}</span>
          <audio src={playableUrl(item)!} autoplay />
        </div>
      ) : (
        <img src={display ? `/media/${display.fileName}` : (previewUrl(item) ?? '')} alt="" />
      )}
      <span class="caption">{index % rows.length + 1}/{rows.length} · {item?.title}</span>
    </div>
  );
}

function Editor({ playlist, media, onSaved }: { playlist: Playlist | null; media: MediaItem[]; onSaved: (p: Playlist | null) => void }) {
  const [name, setName] = useState(playlist?.name ?? '');
  const [description, setDescription] = useState(playlist?.description ?? '');
  const [rows, setRows] = useState<Row[]>(() => toRows(playlist));
  const [previewing, setPreviewing] = useState(false);
  const [filter, setFilter] = useState('');
  const action = useAction();
  const list = useRef<HTMLOListElement>(null);
  const mayEdit = can('playlists:write');
  const byId = new Map(media.map((m) => [m.id, m]));
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  useEffect(() => {
    if (!list.current || !mayEdit) return;
    const sortable = Sortable.create(list.current, {
      handle: '.handle',
      animation: 150,
      onEnd: (e) => {
        const { oldIndex, newIndex, item, from } = e;
        if (oldIndex === undefined || newIndex === undefined || oldIndex === newIndex) return;
        // Put the node back where Preact left it, then let state drive the new order.
        from.removeChild(item);
        from.insertBefore(item, from.children[oldIndex] ?? null);
        const next = [...rowsRef.current];
        const [moved] = next.splice(oldIndex, 1);
        next.splice(newIndex, 0, moved!);
        setRows(next);
      },
    });
    return () => sortable.destroy();
  }, [mayEdit]);

  const set = (key: string, patch: Partial<Row>) => setRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const total = rows.reduce((sum, r) => sum + lengthOf(r, byId.get(r.mediaId)), 0);
  // Share of voice as the players will air it: the loop after weaving in the "at least N per hour" copies.
  const woven = weaveShareOfVoice(rows.map((r) => ({ id: r.key, durationMs: lengthOf(r, byId.get(r.mediaId)), minPerHour: r.minPerHour })));
  const wovenTotal = woven.reduce((sum, r) => sum + r.durationMs, 0) || 1;
  const shareOf = (key: string) => woven.filter((w) => w.id === key).reduce((sum, w) => sum + w.durationMs, 0) / wovenTotal;

  const save = () =>
    action.run(async () => {
      const body = {
        name,
        description,
        items: rows.map((r) => ({ ...(r.id ? { id: r.id } : {}), mediaId: r.mediaId, ...(r.durationMs ? { durationMs: r.durationMs } : {}), ...(r.minPerHour ? { minPerHour: r.minPerHour } : {}) })),
      };
      const saved = playlist ? await api<Playlist>('PUT', `/playlists/${encodeURIComponent(playlist.id)}`, body) : await api<Playlist>('POST', '/playlists', body);
      onSaved(saved);
    });
  const remove = () =>
    action.run(async () => {
      if (!playlist || !confirm(t.deleteConfirm(playlist.name))) return;
      await api('DELETE', `/playlists/${encodeURIComponent(playlist.id)}`);
      onSaved(null);
    });
  const refusal = action.error instanceof ApiError ? action.error.reason : null;
  const candidates = media.filter((m) => (m.status ?? 'ready') !== 'failed' && (!filter || m.title.includes(filter)));

  return (
    <div class="playlist-editor" data-testid="playlist-editor">
      <form class="editor-main" onSubmit={(e) => (e.preventDefault(), void save())}>
        <fieldset disabled={!mayEdit}>
          <div class="row">
            <Field label={t.name}><input name="name" required maxLength={120} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></Field>
            <Field label={s.description}><input name="description" maxLength={500} value={description} onInput={(e) => setDescription((e.target as HTMLInputElement).value)} /></Field>
          </div>
        </fieldset>
        <h4>{s.items} <small class="muted">{s.loop(rows.length, formatDuration(total))}</small></h4>
        {rows.length === 0 && <p class="empty">{s.noItems}</p>}
        <ol class="playlist-items" ref={list}>
          {rows.map((row) => {
            const item = byId.get(row.mediaId);
            return (
              <li key={row.key} data-media-id={row.mediaId}>
                {mayEdit && <span class="handle" title="⇅">⠿</span>}
                {item && <MediaThumb item={item} />}
                <span class="title">
                  {item?.title ?? row.mediaId}
                  <small class="muted"> {item ? kindLabel[item.kind] : ''}{item?.approval && item.approval.state !== 'approved' ? ` · ${s.notApproved}` : ''}</small>
                </span>
                <label class="inline">
                  {s.duration}
                  <input
                    type="number"
                    name="durationSeconds"
                    min={1}
                    max={3600}
                    disabled={!mayEdit}
                    required={needsDuration(item)}
                    placeholder={needsDuration(item) ? '' : s.ownLength}
                    value={row.durationMs ? row.durationMs / 1000 : ''}
                    onInput={(e) => {
                      const v = Number((e.target as HTMLInputElement).value);
                      set(row.key, { durationMs: v > 0 ? Math.round(v * 1000) : undefined });
                    }}
                  />
                </label>
                <label class="inline">
                  {s.perHour}
                  <input type="number" name="minPerHour" min={1} max={120} disabled={!mayEdit} value={row.minPerHour ?? ''} onInput={(e) => {
                    const v = Number((e.target as HTMLInputElement).value);
                    set(row.key, { minPerHour: v > 0 ? Math.round(v) : undefined });
                  }} />
                </label>
                <span class="share" title={s.share}>{Math.round(shareOf(row.key) * 100)}%</span>
                {mayEdit && <button type="button" class="link" onClick={() => setRows(rows.filter((r) => r.key !== row.key))}>{t.remove}</button>}
              </li>
            );
          })}
        </ol>
        <ErrorNote error={action.error} />
        {refusal === 'playlist-scheduled' && <p class="explain">{s.scheduled}</p>}
        {refusal === 'default-playlist' && <p class="explain">{s.isDefault}</p>}
        <div class="buttons">
          {playlist && <Guarded allowed={mayEdit} class="danger" name="delete" onClick={() => void remove()}>{t.delete}</Guarded>}
          <span class="spacer" />
          <button type="button" name="preview" disabled={rows.length === 0} onClick={() => setPreviewing(!previewing)}>{previewing ? s.stop : s.preview}</button>
          <Guarded allowed={mayEdit} type="submit" class="primary" name="save" disabled={action.busy || rows.length === 0} onClick={() => undefined}>{t.save}</Guarded>
        </div>
        {previewing && <PreviewLoop rows={rows} media={byId} />}
      </form>
      {mayEdit && (
        <aside class="media-picker" data-testid="media-picker">
          <h4>{s.addMedia}</h4>
          <input type="search" placeholder={t.search} value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
          <ul>
            {candidates.map((m) => (
              <li>
                <button type="button" data-media-id={m.id} data-title={m.title} onClick={() => setRows([...rows, { key: `k${keySeq++}`, mediaId: m.id, durationMs: needsDuration(m) ? DEFAULT_STILL_MS : undefined }])}>
                  <MediaThumb item={m} />
                  <span>{m.title}</span>
                  {rows.some((r) => r.mediaId === m.id) && <small class="muted">✓ {s.used}</small>}
                </button>
              </li>
            ))}
          </ul>
        </aside>
      )}
    </div>
  );
}

export function PlaylistsPage({ selected }: { selected: string | undefined }) {
  const playlists = useResource(() => get<Playlist[]>('/playlists'), ['catalogue']);
  const media = useResource(() => get<MediaItem[]>('/media'), ['catalogue']);
  if (!playlists.data || !media.data) return <Loading error={playlists.error ?? media.error} />;
  const current = selected && selected !== 'new' ? playlists.data.find((p) => p.id === selected) : undefined;
  return (
    <section class="split">
      <nav class="side-list" data-testid="playlist-list">
        <h2>{s.heading}</h2>
        {can('playlists:write') && <a class="button primary" href="#/playlists/new">+ {s.newPlaylist}</a>}
        <ul>
          {playlists.data.map((p) => (
            <li class={p.id === selected ? 'active' : ''}>
              <a href={`#/playlists/${encodeURIComponent(p.id)}`} data-playlist-id={p.id}>
                {p.name} <small class="muted">{p.items.length}</small>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="side-main">
        {selected === 'new' || current ? (
          <Editor
            key={`${selected}:${current?.updatedAt ?? ''}`}
            playlist={current ?? null}
            media={media.data}
            onSaved={(p) => {
              playlists.reload();
              navigate(p ? `playlists/${encodeURIComponent(p.id)}` : 'playlists');
            }}
          />
        ) : (
          <p class="empty">{s.pick}</p>
        )}
      </div>
    </section>
  );
}
