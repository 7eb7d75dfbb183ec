// The audit log: who changed what, when, with before and after; filtered, and downloadable as CSV.
import { useState } from 'preact/hooks';
import type { AuditEntry } from '../../storage/audit.store.js';
import { ApiError, get } from '../api.js';
import { inReadersLanguage, Loading } from '../components.js';
import { formatTime, fromLocalInput } from '../format.js';
import { useResource } from '../hooks.js';
import { pick, t } from '../i18n.js';

const s = pick(
  {
    heading: '操作日志',
    when: '时间',
    who: '操作人',
    action: '操作',
    entity: '对象',
    summary: '内容',
    details: '修改前后',
    before: '修改前',
    after: '修改后',
    csv: '下载 CSV',
    actor: '操作人（用户名）',
    system: '系统',
    empty: '没有符合条件的记录。',
    actions: { create: '新建', update: '修改', delete: '删除', approve: '审核通过', reject: '驳回', login: '登录', 'login-failed': '登录失败', logout: '退出登录', 'password-change': '修改密码', command: '发送指令' } as Record<string, string>,
    entities: {
      media: '媒体', playlist: '播放列表', schedule: '排期', screen: '屏幕', broadcast: '定时广播', alert: '紧急插播', 'quiet-hours': '静音时段',
      'volume-schedule': '音量计划', township: '乡镇', village: '村/社区', site: '点位', catalogue: '设置', session: '登录会话', user: '用户', 'police-figures': '警情数据',
    } as Record<string, string>,
  },
  {
    heading: 'Audit log',
    when: 'When',
    who: 'Who',
    action: 'Action',
    entity: 'Entity',
    summary: 'What',
    details: 'Before / after',
    before: 'Before',
    after: 'After',
    csv: 'Download CSV',
    actor: 'Actor (username)',
    system: 'system',
    empty: 'No entries match.',
    actions: { create: 'created', update: 'changed', delete: 'deleted', approve: 'approved', reject: 'rejected', login: 'signed in', 'login-failed': 'sign-in failed', logout: 'signed out', 'password-change': 'password changed', command: 'command sent' },
    entities: {
      media: 'media', playlist: 'playlist', schedule: 'schedule', screen: 'screen', broadcast: 'broadcast', alert: 'alert', 'quiet-hours': 'quiet hours',
      'volume-schedule': 'volume schedule', township: 'township', village: 'village', site: 'site', catalogue: 'setting', session: 'session', user: 'user', 'police-figures': 'police figures',
    },
  },
);

export function AuditPage() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [actor, setActor] = useState('');
  const [entity, setEntity] = useState('');
  const query = new URLSearchParams();
  const fromIso = fromLocalInput(from);
  const toIso = fromLocalInput(to);
  if (fromIso) query.set('from', fromIso);
  if (toIso) query.set('to', toIso);
  if (actor.trim()) query.set('actor', actor.trim());
  if (entity.trim()) query.set('entity', entity.trim());
  const qs = query.toString();
  const audit = useResource(() => get<{ entries: AuditEntry[] }>(`/audit?${qs}${qs ? '&' : ''}limit=500`), ['catalogue', 'screens'], [qs]);
  const missing = audit.error instanceof ApiError && audit.error.isMissingRoute;
  return (
    <section>
      <h2>
        {s.heading}
        <span class="spacer" />
        {!missing && <a class="button" href={`/api/v1/audit.csv?${qs}`} download data-testid="audit-csv">{s.csv}</a>}
      </h2>
      <div class="filters">
        <label class="inline">{t.from} <input type="datetime-local" name="from" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} /></label>
        <label class="inline">{t.to} <input type="datetime-local" name="to" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} /></label>
        <input name="actor" placeholder={s.actor} value={actor} onChange={(e) => setActor((e.target as HTMLInputElement).value)} />
        <input name="entity" placeholder={s.entity} value={entity} onChange={(e) => setEntity((e.target as HTMLInputElement).value)} />
      </div>
      {missing ? (
        <p class="empty">{t.notAvailable}</p>
      ) : !audit.data ? (
        <Loading error={audit.error} />
      ) : audit.data.entries.length === 0 ? (
        <p class="empty">{s.empty}</p>
      ) : (
        <table data-testid="audit">
          <thead><tr><th>{s.when}</th><th>{s.who}</th><th>{s.action}</th><th>{s.entity}</th><th>{s.summary}</th><th>{s.details}</th></tr></thead>
          <tbody>
            {audit.data.entries.map((e) => (
              <tr data-audit-id={e.id}>
                <td>{formatTime(e.at, true)}</td>
                <td>{e.actor?.username ?? s.system}</td>
                <td data-action={e.action}>{s.actions[e.action] ?? e.action}</td>
                <td data-entity={e.entity}>{s.entities[e.entity] ?? e.entity}{e.entity !== 'catalogue' && <div class="muted mono">{e.entityId}</div>}</td>
                <td>{inReadersLanguage(e.summary)}</td>
                <td class="nowrap">
                  {(e.before !== null && e.before !== undefined) || (e.after !== null && e.after !== undefined) ? (
                    <details>
                      <summary>{s.details}</summary>
                      <div class="diff">
                        <div><b>{s.before}</b><pre>{JSON.stringify(e.before, null, 1)}</pre></div>
                        <div><b>{s.after}</b><pre>{JSON.stringify(e.after, null, 1)}</pre></div>
                      </div>
                    </details>
                  ) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
