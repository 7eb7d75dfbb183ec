// The media library: upload (drag-and-drop, progress), slogans, previews of every kind, tags, validity,
// live processing progress, approval, and deletion that explains what still uses an item.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, get, upload } from '../api.js';
import { ErrorNote, Field, Guarded, inReadersLanguage, kindLabel, Loading, MediaThumb, Modal, playableUrl, previewUrl, useAction } from '../components.js';
import { formatBytes, formatDuration, formatTime, fromLocalInput, toLocalInput } from '../format.js';
import { useResource } from '../hooks.js';
import { pick, t } from '../i18n.js';
import { onJob } from '../live.js';
import { can } from '../session.js';
import { SloganSpeech } from './slogan-speech.js';
import { FRAUD_TAGS, type Job, type MediaItem, type Playlist } from '../types.js';

const s = pick(
  {
    heading: '素材库',
    drop: '把图片、视频或音频文件拖到这里，或',
    choose: '选择文件',
    uploadTags: '上传时加标签',
    newSlogan: '新建标语',
    filterKind: '类型',
    filterTag: '标签',
    filterApproval: '审核',
    status: { processing: '处理中', ready: '就绪', failed: '处理失败' } as Record<string, string>,
    approval: { pending: '待审核', approved: '已通过', rejected: '已驳回' } as Record<string, string>,
    approve: '审核通过',
    reject: '驳回',
    rejectNote: '驳回理由（可选）',
    title: '标题',
    tags: '标签',
    validFrom: '生效时间',
    validTo: '失效时间',
    validity: '有效期',
    always: '长期有效',
    headline: '主标语',
    subline: '副标语',
    theme: '样式',
    themes: { alert: '警示（红）', warning: '提醒（黄）', calm: '平和（蓝）' } as Record<string, string>,
    variant: '形式',
    variants: { slide: '整屏', ticker: '滚动字幕（条屏）' } as Record<string, string>,
    inUse: (names: string) => `此素材仍在播放列表中使用：${names}。可先从这些列表中移除再删除。`,
    forceDelete: '从这些列表移除并删除',
    uploaded: '已上传',
    duplicate: '此文件以前上传过，已有同一素材',
    empty: '没有符合条件的素材。',
    file: '文件',
    duration: '时长',
    created: '上传于',
    jobs: '处理任务',
    notAiring: '审核通过前不会播出',
  },
  {
    heading: 'Media library',
    drop: 'Drop image, video or audio files here, or',
    choose: 'choose files',
    uploadTags: 'Tags for uploads',
    newSlogan: 'New slogan',
    filterKind: 'Kind',
    filterTag: 'Tag',
    filterApproval: 'Approval',
    status: { processing: 'processing', ready: 'ready', failed: 'failed' },
    approval: { pending: 'pending approval', approved: 'approved', rejected: 'rejected' },
    approve: 'Approve',
    reject: 'Reject',
    rejectNote: 'Reason (optional)',
    title: 'Title',
    tags: 'Tags',
    validFrom: 'Valid from',
    validTo: 'Valid until',
    validity: 'Validity',
    always: 'always',
    headline: 'Headline',
    subline: 'Subline',
    theme: 'Style',
    themes: { alert: 'Alert (red)', warning: 'Warning (amber)', calm: 'Calm (blue)' },
    variant: 'Form',
    variants: { slide: 'Full screen', ticker: 'Scrolling ticker (strip LED)' },
    inUse: (names: string) => `Still used by playlists: ${names}. Take it out of them first, or:`,
    forceDelete: 'Remove from those playlists and delete',
    uploaded: 'uploaded',
    duplicate: 'Uploaded before: the existing item',
    empty: 'No media matches.',
    file: 'File',
    duration: 'Duration',
    created: 'Uploaded',
    jobs: 'Processing',
    notAiring: 'Will not air until approved',
  },
);

const approvalOf = (item: MediaItem) => item.approval?.state ?? 'approved';

interface UploadState {
  key: number;
  name: string;
  progress: number;
  error?: unknown;
  result?: 'new' | 'duplicate';
  abort: () => void;
}

function UploadZone({ onUploaded }: { onUploaded: () => void }) {
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const [tags, setTags] = useState<string[]>([]);
  const [isOver, setIsOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const allowed = can('media:write');
  const patch = (key: number, change: Partial<UploadState>) => setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const start = (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const key = Math.random();
      const form = new FormData();
      for (const tag of tags) form.append('tags', tag);
      form.append('file', file, file.name);
      const request = upload<MediaItem>('/media', form, (fraction) => patch(key, { progress: fraction }));
      setUploads((list) => [{ key, name: file.name, progress: 0, abort: request.abort }, ...list].slice(0, 8));
      request.done.then(
        ({ status }) => {
          // 200 rather than 201: the same bytes were uploaded before.
          patch(key, { progress: 1, result: status === 200 ? 'duplicate' : 'new' });
          onUploaded();
        },
        (error) => patch(key, { error }),
      );
    }
  };
  if (!allowed) return null;
  return (
    <div
      class={`dropzone ${isOver ? 'over' : ''}`}
      data-testid="dropzone"
      onDragOver={(e) => (e.preventDefault(), setIsOver(true))}
      onDragLeave={() => setIsOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setIsOver(false);
        if (e.dataTransfer?.files.length) start(e.dataTransfer.files);
      }}
    >
      <p>
        {s.drop} <button type="button" onClick={() => input.current?.click()}>{s.choose}</button>
        <input ref={input} type="file" name="file" multiple hidden accept="image/*,video/*,audio/*,.svg" onChange={(e) => {
          const files = (e.target as HTMLInputElement).files;
          if (files?.length) start(files);
          (e.target as HTMLInputElement).value = '';
        }} />
      </p>
      <div class="tag-choices">
        <span class="muted">{s.uploadTags}:</span>
        {FRAUD_TAGS.map((tag) => (
          <label class="choice">
            <input type="checkbox" checked={tags.includes(tag)} onChange={() => setTags(tags.includes(tag) ? tags.filter((x) => x !== tag) : [...tags, tag])} /> {tag}
          </label>
        ))}
      </div>
      {uploads.map((u) => (
        <div class="upload-row" data-testid="upload" data-done={u.result ? 'true' : u.error ? 'error' : 'false'}>
          <span class="name">{u.name}</span>
          {u.error ? (
            <ErrorNote error={u.error} />
          ) : (
            <>
              <progress max={1} value={u.progress} /> <span>{Math.round(u.progress * 100)}%</span>
              {u.result && <span class="ok">{u.result === 'duplicate' ? s.duplicate : s.uploaded}</span>}
              {!u.result && <button class="link" onClick={u.abort}>{t.cancel}</button>}
            </>
          )}
        </div>
      ))}
    </div>
  );
}

function SloganForm({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const [headline, setHeadline] = useState('');
  const [subline, setSubline] = useState('');
  const [theme, setTheme] = useState('alert');
  const [variant, setVariant] = useState('slide');
  const [tags, setTags] = useState<string[]>([]);
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      await api('POST', '/media/slogans', { tags, slogan: { headline, ...(subline.trim() ? { subline } : {}), theme, variant } });
      onCreated();
      onClose();
    });
  };
  return (
    <Modal title={s.newSlogan} onClose={onClose}>
      <form onSubmit={submit} data-testid="slogan-form">
        <Field label={s.headline}><input name="headline" required maxLength={80} value={headline} onInput={(e) => setHeadline((e.target as HTMLInputElement).value)} /></Field>
        <Field label={s.subline}><input name="subline" maxLength={160} value={subline} onInput={(e) => setSubline((e.target as HTMLInputElement).value)} /></Field>
        <div class="row">
          <Field label={s.theme}>
            <select name="theme" value={theme} onChange={(e) => setTheme((e.target as HTMLSelectElement).value)}>
              {Object.entries(s.themes).map(([k, v]) => <option value={k}>{v}</option>)}
            </select>
          </Field>
          <Field label={s.variant}>
            <select name="variant" value={variant} onChange={(e) => setVariant((e.target as HTMLSelectElement).value)}>
              {Object.entries(s.variants).map(([k, v]) => <option value={k}>{v}</option>)}
            </select>
          </Field>
        </div>
        <div class={`slogan-preview theme-${theme} ${variant}`}>
          <strong>{headline || s.headline}</strong>
          {subline && <span>{subline}</span>}
        </div>
        <TagPicker value={tags} onChange={setTags} />
        <ErrorNote error={action.error} />
        <div class="buttons">
          <button type="button" onClick={onClose}>{t.cancel}</button>
          <button class="primary" type="submit" disabled={action.busy}>{t.save}</button>
        </div>
      </form>
    </Modal>
  );
}

function TagPicker({ value, onChange, disabled }: { value: string[]; onChange: (tags: string[]) => void; disabled?: boolean }) {
  return (
    <fieldset class="tag-choices" disabled={disabled}>
      <legend>{s.tags}</legend>
      {FRAUD_TAGS.map((tag) => (
        <label class="choice">
          <input type="checkbox" name={`tag-${tag}`} checked={value.includes(tag)} onChange={() => onChange(value.includes(tag) ? value.filter((x) => x !== tag) : [...value, tag])} /> {tag}
        </label>
      ))}
    </fieldset>
  );
}

function MediaDetail({ item, playlists, onClose, onChanged }: { item: MediaItem; playlists: Playlist[]; onClose: () => void; onChanged: () => void }) {
  const [title, setTitle] = useState(item.title);
  const [tags, setTags] = useState<string[]>(item.tags);
  const [validFrom, setValidFrom] = useState(toLocalInput(item.validFrom));
  const [validTo, setValidTo] = useState(toLocalInput(item.validTo));
  const [note, setNote] = useState('');
  const action = useAction();
  const mayEdit = can('media:write');
  const usedBy = playlists.filter((p) => p.items.some((i) => i.mediaId === item.id));
  const state = approvalOf(item);
  const play = playableUrl(item);
  const display = item.renditions?.find((r) => r.role === 'display' && r.profile === '1920x1080') ?? item.renditions?.find((r) => r.role === 'display');
  const inUse = action.error instanceof ApiError && action.error.reason === 'media-in-use';

  const save = () =>
    action.run(async () => {
      await api('PATCH', `/media/${encodeURIComponent(item.id)}`, { title, tags, validFrom: fromLocalInput(validFrom) ?? null, validTo: fromLocalInput(validTo) ?? null });
      onChanged();
      onClose();
    });
  const remove = (force: boolean) =>
    action.run(async () => {
      if (!force && !confirm(t.deleteConfirm(item.title))) return;
      await api('DELETE', `/media/${encodeURIComponent(item.id)}${force ? '?force=true' : ''}`);
      onChanged();
      onClose();
    });
  const decide = (verdict: 'approve' | 'reject') =>
    action.run(async () => {
      await api('POST', `/media/${encodeURIComponent(item.id)}/${verdict}`, verdict === 'reject' ? { ...(note.trim() ? { note } : {}) } : {});
      onChanged();
      onClose();
    });

  return (
    <Modal title={item.title} onClose={onClose} wide>
      <div class="media-detail" data-testid="media-detail" data-media-id={item.id}>
        <div class="preview-large">
          {item.kind === 'video' && play ? (
            <video src={play} controls poster={previewUrl(item) ?? undefined} />
          ) : item.kind === 'audio' && play ? (
            <>
              {previewUrl(item) && <img src={previewUrl(item)!} alt="" />}
              <audio src={play} controls />
            </>
          ) : display ? (
            <img src={`/media/${display.fileName}`} alt="" />
          ) : (
            <MediaThumb item={item} size="large" />
          )}
          <dl class="facts">
            <dt>{s.file}</dt>
            <dd>{kindLabel[item.kind]}{item.file ? ` · ${item.file.mime} · ${formatBytes(item.file.bytes)}` : ''}{item.file?.width ? ` · ${item.file.width}×${item.file.height}` : ''}</dd>
            {item.file?.durationMs && (<><dt>{s.duration}</dt><dd>{formatDuration(item.file.durationMs)}</dd></>)}
            <dt>{s.created}</dt>
            <dd>{formatTime(item.createdAt)}</dd>
            <dt>{s.filterApproval}</dt>
            <dd><span class={`pill approval-${state}`}>{s.approval[state]}</span>{item.approval?.note ? ` — ${item.approval.note}` : ''}</dd>
            {item.error && (<><dt>{t.state}</dt><dd class="error">{inReadersLanguage(item.error.message)}</dd></>)}
          </dl>
        </div>
        <form class="media-edit" onSubmit={(e) => (e.preventDefault(), void save())}>
          <fieldset disabled={!mayEdit}>
            <Field label={s.title}><input name="title" value={title} maxLength={120} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} /></Field>
            <TagPicker value={tags} onChange={setTags} />
            <div class="row">
              <Field label={s.validFrom}><input name="validFrom" type="datetime-local" value={validFrom} onInput={(e) => setValidFrom((e.target as HTMLInputElement).value)} /></Field>
              <Field label={s.validTo}><input name="validTo" type="datetime-local" value={validTo} onInput={(e) => setValidTo((e.target as HTMLInputElement).value)} /></Field>
            </div>
          </fieldset>
          {can('media:approve') && state !== 'approved' && (
            <div class="approval-box">
              <p class="warn">{s.notAiring}</p>
              <button type="button" class="primary" name="approve" disabled={action.busy} onClick={() => void decide('approve')}>{s.approve}</button>
              {state === 'pending' && (
                <>
                  <input name="rejectNote" placeholder={s.rejectNote} value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
                  <button type="button" name="reject" disabled={action.busy} onClick={() => void decide('reject')}>{s.reject}</button>
                </>
              )}
            </div>
          )}
          {item.kind === 'text' && <SloganSpeech item={item} onMade={onChanged} />}
          <ErrorNote error={action.error} />
          {inUse && (
            <div class="explain" data-testid="in-use">
              <p>{s.inUse(usedBy.map((p) => `「${p.name}」`).join('、'))}</p>
              <button type="button" class="danger" onClick={() => void remove(true)}>{s.forceDelete}</button>
            </div>
          )}
          <div class="buttons">
            <Guarded allowed={mayEdit} class="danger" name="delete" disabled={action.busy} onClick={() => void remove(false)}>{t.delete}</Guarded>
            <span class="spacer" />
            <button type="button" onClick={onClose}>{t.close}</button>
            <Guarded allowed={mayEdit} type="submit" class="primary" name="save" disabled={action.busy} onClick={() => undefined}>{t.save}</Guarded>
          </div>
        </form>
      </div>
    </Modal>
  );
}

export function MediaPage() {
  const media = useResource(() => get<MediaItem[]>('/media'), ['catalogue']);
  const playlists = useResource(() => get<Playlist[]>('/playlists'), ['catalogue']);
  const [jobs, setJobs] = useState<Map<string, Job>>(new Map());
  const [kind, setKind] = useState('');
  const [tag, setTag] = useState('');
  const [approval, setApproval] = useState('');
  const [query, setQuery] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const [sloganOpen, setSloganOpen] = useState(false);
  // Job progress arrives over /ws/console many times a second; it wins over the last list load.
  useEffect(() => onJob((job) => setJobs((m) => new Map(m).set(job.mediaId, job))), []);
  if (!media.data) return <Loading error={media.error} />;
  const items = media.data
    .map((m) => {
      const live = jobs.get(m.id);
      return live && (!m.job || m.job.id === live.id) ? { ...m, job: live } : m;
    })
    .filter((m) => (!kind || m.kind === kind) && (!tag || m.tags.includes(tag as never)) && (!approval || approvalOf(m) === approval) && (!query || m.title.includes(query)))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const open = media.data.find((m) => m.id === openId);
  const pending = media.data.filter((m) => approvalOf(m) === 'pending').length;
  return (
    <section>
      <h2>
        {s.heading} <small>{media.data.length}</small>
        {pending > 0 && <button class="pill warn-pill" onClick={() => setApproval('pending')}>{pending} {s.approval.pending}</button>}
        <span class="spacer" />
        <Guarded allowed={can('media:write')} name="new-slogan" onClick={() => setSloganOpen(true)}>{s.newSlogan}</Guarded>
      </h2>
      <UploadZone onUploaded={media.reload} />
      <div class="filters">
        <input type="search" placeholder={t.search} value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
        <select name="kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
          <option value="">{s.filterKind}: {t.all}</option>
          {Object.entries(kindLabel).map(([k, v]) => <option value={k}>{v}</option>)}
        </select>
        <select name="tag" value={tag} onChange={(e) => setTag((e.target as HTMLSelectElement).value)}>
          <option value="">{s.filterTag}: {t.all}</option>
          {FRAUD_TAGS.map((x) => <option value={x}>{x}</option>)}
        </select>
        <select name="approval" value={approval} onChange={(e) => setApproval((e.target as HTMLSelectElement).value)}>
          <option value="">{s.filterApproval}: {t.all}</option>
          {Object.entries(s.approval).map(([k, v]) => <option value={k}>{v}</option>)}
        </select>
      </div>
      {items.length === 0 && <p class="empty">{s.empty}</p>}
      <div class="media-grid" data-testid="media-grid">
        {items.map((item) => {
          const state = approvalOf(item);
          const status = item.status ?? 'ready';
          return (
            <button class={`media-card status-${status}`} data-media-id={item.id} data-title={item.title} data-approval={state} onClick={() => setOpenId(item.id)}>
              <MediaThumb item={item} />
              <span class="title">{item.title}</span>
              <span class="meta">
                {kindLabel[item.kind]}
                {item.file?.durationMs ? ` · ${formatDuration(item.file.durationMs)}` : ''}
                {item.tags.length > 0 && ` · ${item.tags.join(' ')}`}
              </span>
              <span class="badges">
                {status !== 'ready' && <span class={`pill status-${status}`}>{s.status[status]}</span>}
                {state !== 'approved' && <span class={`pill approval-${state}`}>{s.approval[state]}</span>}
                {(item.validFrom || item.validTo) && <span class="pill">{s.validity} {item.validFrom ? formatTime(item.validFrom) : ''}–{item.validTo ? formatTime(item.validTo) : ''}</span>}
              </span>
              {item.job && (item.job.state === 'running' || item.job.state === 'queued') && (
                <span class="job" data-testid="job-progress"><progress max={100} value={item.job.progress} /> {Math.round(item.job.progress)}%</span>
              )}
              {status === 'failed' && item.error && <span class="error small">{inReadersLanguage(item.error.message)}</span>}
            </button>
          );
        })}
      </div>
      {open && <MediaDetail key={open.id} item={open} playlists={playlists.data ?? []} onClose={() => setOpenId(null)} onChanged={media.reload} />}
      {sloganOpen && <SloganForm onClose={() => setSloganOpen(false)} onCreated={media.reload} />}
    </section>
  );
}
