// Sign-in, and the forced password change of a first sign-in (a one-time or reset password).
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { ErrorNote, Field, useAction } from '../components.js';
import { lang, pick, t } from '../i18n.js';
import { logIn, type Session } from '../session.js';

const s = pick(
  {
    signIn: '登录',
    username: '用户名',
    password: '密码',
    tooMany: (seconds: number) => `尝试次数过多，请 ${seconds} 秒后再试`,
    mustChange: '首次登录请先设置新密码',
    current: '当前密码',
    newPassword: '新密码（至少 10 个字符）',
    repeat: '再次输入新密码',
    mismatch: '两次输入的新密码不一致',
    change: '修改密码',
  },
  {
    signIn: 'Sign in',
    username: 'Username',
    password: 'Password',
    tooMany: (seconds: number) => `Too many attempts: try again in ${seconds} s`,
    mustChange: 'Set a new password before you continue',
    current: 'Current password',
    newPassword: 'New password (at least 10 characters)',
    repeat: 'New password again',
    mismatch: 'The two new passwords differ',
    change: 'Change password',
  },
);

export function LoginPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => onSignedIn(await logIn(username.trim(), password)));
  };
  const error = action.error;
  const retryAfter = error instanceof ApiError && error.status === 429 ? Number(error.body.retryAfter ?? 0) : 0;
  return (
    <main class="login">
      <form class="card" onSubmit={submit} data-testid="login-form">
        <h1>Crier</h1>
        <p class="muted">{t.title}</p>
        <Field label={s.username}>
          <input name="username" autoComplete="username" required value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
        </Field>
        <Field label={s.password}>
          <input name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </Field>
        {error instanceof ApiError && error.status === 429 && retryAfter > 0 ? (
          <p class="error" role="alert" data-reason="too-many-attempts">{s.tooMany(retryAfter)}</p>
        ) : (
          <ErrorNote error={error} />
        )}
        <button class="primary" type="submit" disabled={action.busy}>{s.signIn}</button>
        <a class="muted" href={lang === 'en' ? '?' : '?lang=en'}>{t.otherLanguage}</a>
      </form>
    </main>
  );
}

export function PasswordChange({ onDone, forced }: { onDone: () => void; forced: boolean }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    if (next !== repeat) return action.setError(new Error(s.mismatch));
    void action.run(async () => {
      await api('POST', '/auth/password', { currentPassword: current, newPassword: next });
      onDone();
    });
  };
  return (
    <form class="card narrow" onSubmit={submit} data-testid="password-form">
      <h2>{s.change}</h2>
      {forced && <p class="warn">{s.mustChange}</p>}
      <Field label={s.current}>
        <input name="currentPassword" type="password" autoComplete="current-password" required value={current} onInput={(e) => setCurrent((e.target as HTMLInputElement).value)} />
      </Field>
      <Field label={s.newPassword}>
        <input name="newPassword" type="password" autoComplete="new-password" minLength={10} required value={next} onInput={(e) => setNext((e.target as HTMLInputElement).value)} />
      </Field>
      <Field label={s.repeat}>
        <input name="repeatPassword" type="password" autoComplete="new-password" minLength={10} required value={repeat} onInput={(e) => setRepeat((e.target as HTMLInputElement).value)} />
      </Field>
      <ErrorNote error={action.error} />
      <button class="primary" type="submit" disabled={action.busy}>{s.change}</button>
    </form>
  );
}
