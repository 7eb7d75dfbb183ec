// Staff accounts (county admin only): create, role, township, disable, reset password.
import { useState } from 'preact/hooks';
import { api, ApiError, get } from '../api.js';
import { ErrorNote, Field, Loading, Modal, useAction } from '../components.js';
import { useResource } from '../hooks.js';
import { pick, t } from '../i18n.js';
import { currentSession, type User } from '../session.js';

const s = pick(
  {
    heading: '用户',
    newUser: '新建用户',
    username: '用户名（登录用）',
    displayName: '姓名',
    role: '角色',
    township: '乡镇（空 = 全县）',
    county: '全县',
    password: '初始密码（至少 10 个字符，首次登录须修改）',
    disabled: '已停用',
    active: '正常',
    disable: '停用',
    enable: '启用',
    reset: '重置密码',
    newPassword: (name: string) => `为「${name}」设置新密码（至少 10 个字符）：`,
    resetDone: '密码已重置',
    you: '（您）',
    generate: '生成',
  },
  {
    heading: 'Users',
    newUser: 'New user',
    username: 'Username (to sign in)',
    displayName: 'Name',
    role: 'Role',
    township: 'Township (empty = whole county)',
    county: 'whole county',
    password: 'Initial password (at least 10 characters; changed at first sign-in)',
    disabled: 'disabled',
    active: 'active',
    disable: 'Disable',
    enable: 'Enable',
    reset: 'Reset password',
    newPassword: (name: string) => `New password for “${name}” (at least 10 characters):`,
    resetDone: 'Password reset',
    you: ' (you)',
    generate: 'Generate',
  },
);

const ROLES = ['viewer', 'police', 'editor', 'approver', 'admin'];
const randomPassword = () => Array.from(crypto.getRandomValues(new Uint8Array(14)), (b) => 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'[b % 56]).join('');

function NewUser({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const [draft, setDraft] = useState({ username: '', displayName: '', role: 'editor', township: '', password: randomPassword() });
  const action = useAction();
  const set = (k: keyof typeof draft) => (e: Event) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      await api('POST', '/users', { ...draft, township: draft.township.trim() || null });
      onCreated();
      onClose();
    });
  };
  return (
    <Modal title={s.newUser} onClose={onClose}>
      <form onSubmit={submit} data-testid="user-form">
        <div class="row">
          <Field label={s.username}><input name="username" required value={draft.username} onInput={set('username')} /></Field>
          <Field label={s.displayName}><input name="displayName" required value={draft.displayName} onInput={set('displayName')} /></Field>
        </div>
        <div class="row">
          <Field label={s.role}>
            <select name="role" value={draft.role} onChange={set('role')}>{ROLES.map((r) => <option value={r}>{t.roles[r]}</option>)}</select>
          </Field>
          <Field label={s.township}><input name="township" value={draft.township} onInput={set('township')} /></Field>
        </div>
        <Field label={s.password}><input name="password" required minLength={10} value={draft.password} onInput={set('password')} /></Field>
        <ErrorNote error={action.error} />
        <div class="buttons">
          <span class="spacer" />
          <button type="button" onClick={onClose}>{t.cancel}</button>
          <button class="primary" type="submit" disabled={action.busy}>{t.save}</button>
        </div>
      </form>
    </Modal>
  );
}

export function UsersPage() {
  const users = useResource(() => get<User[] | { users: User[] }>('/users'), ['catalogue']);
  const [creating, setCreating] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const action = useAction();
  if (users.error instanceof ApiError && users.error.isMissingRoute) return <section><h2>{s.heading}</h2><p class="empty">{t.notAvailable}</p></section>;
  if (!users.data) return <Loading error={users.error} />;
  const list = Array.isArray(users.data) ? users.data : users.data.users;
  const me = currentSession()?.user.id;
  const patch = (u: User, body: Record<string, unknown>, done?: string) =>
    action.run(async () => {
      await api('PATCH', `/users/${encodeURIComponent(u.id)}`, body);
      setNote(done ?? t.saved);
      users.reload();
    });
  return (
    <section>
      <h2>{s.heading} <small>{list.length}</small><span class="spacer" /><button class="primary" name="new-user" onClick={() => setCreating(true)}>+ {s.newUser}</button></h2>
      <ErrorNote error={action.error} />
      {note && <p class="ok">{note}</p>}
      <table data-testid="users">
        <thead><tr><th>{s.username}</th><th>{s.displayName}</th><th>{s.role}</th><th>{t.township}</th><th>{t.state}</th><th>{t.actions}</th></tr></thead>
        <tbody>
          {list.map((u) => (
            <tr data-user={u.username} class={u.disabled ? 'is-disabled' : ''}>
              <td class="mono">{u.username}{u.id === me ? s.you : ''}</td>
              <td>{u.displayName}</td>
              <td>
                <select name="role" value={u.role} onChange={(e) => void patch(u, { role: (e.target as HTMLSelectElement).value })}>
                  {ROLES.map((r) => <option value={r}>{t.roles[r]}</option>)}
                </select>
              </td>
              <td>
                <input name="township" placeholder={s.county} value={u.township ?? ''} onChange={(e) => void patch(u, { township: (e.target as HTMLInputElement).value.trim() || null })} />
              </td>
              <td>{u.disabled ? <span class="pill danger">{s.disabled}</span> : s.active}</td>
              <td class="actions">
                <button name="toggle-disabled" onClick={() => void patch(u, { disabled: !u.disabled })}>{u.disabled ? s.enable : s.disable}</button>
                <button
                  name="reset-password"
                  onClick={() => {
                    const password = prompt(s.newPassword(u.displayName), randomPassword());
                    if (password) void patch(u, { password }, `${s.resetDone}: ${u.username}`);
                  }}
                >
                  {s.reset}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {creating && <NewUser onClose={() => setCreating(false)} onCreated={users.reload} />}
    </section>
  );
}
