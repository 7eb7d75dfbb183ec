// The first password is really one-time (issue 13.2), and weak new passwords are refused with the reason.
import { PassThrough } from 'node:stream';
import t from 'tap';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { passwordWeakness } from '../../server/auth/password-policy.js';
import { buildTestApp, injectRaw, signIn, TEST_ADMIN } from '../helper.js';

const json = (res: { body: string }) => JSON.parse(res.body);

t.test('the generated first-admin password cannot be "changed" to itself', async (t) => {
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk) => lines.push(...String(chunk).split('\n').filter(Boolean)));
  const app = await buildApp({ ...loadConfig({}), dataDir: t.testdir(), logLevel: 'info', scryptLogN: 10 }, { logStream: stream });
  t.teardown(() => app.close());
  const password = /one-time password (\S+)/.exec(lines.find((l) => /one-time password/.test(l))!)![1]!;
  const headers = await signIn(app, 'admin', password);
  const same = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/password', headers, payload: { currentPassword: password, newPassword: password } });
  t.equal(same.statusCode, 400);
  t.match(json(same), { reason: 'weak-password', message: /^新密码不能与当前密码相同.* \/ the new password must differ/ });
  const me = await injectRaw(app)({ url: '/api/v1/auth/me', headers });
  t.equal(json(me).user.mustChangePassword, true, 'still must change');
  const ok = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/password', headers, payload: { currentPassword: password, newPassword: 'Heron-Gable-4417' } });
  t.equal(ok.statusCode, 204);
  t.equal((await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password } })).statusCode, 401, 'the one-time password is gone');
});

t.test('a password an admin set for someone else is one-time too', async (t) => {
  const app = await buildTestApp(t);
  const created = await app.inject({ method: 'POST', url: '/api/v1/users', payload: { username: 'zhao.li', displayName: '赵丽', role: 'editor', township: '城关镇', password: 'Otter-Maple-2291' } });
  t.equal(created.statusCode, 201);
  const headers = await signIn(app, 'zhao.li', 'Otter-Maple-2291');
  const same = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/password', headers, payload: { currentPassword: 'Otter-Maple-2291', newPassword: 'Otter-Maple-2291' } });
  t.equal(same.statusCode, 400);
  t.equal(json(same).reason, 'weak-password');
  const reset = await app.inject({ method: 'PATCH', url: `/api/v1/users/${json(created).id}`, payload: { password: 'Badger-Ridge-5530' } });
  t.equal(reset.statusCode, 200);
  const again = await signIn(app, 'zhao.li', 'Badger-Ridge-5530');
  t.equal((await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/password', headers: again, payload: { currentPassword: 'Badger-Ridge-5530', newPassword: 'Badger-Ridge-5530' } })).statusCode, 400, 'after a reset as well');
});

t.test('common passwords, one character repeated and the username are refused, saying why in Chinese then English', async (t) => {
  const app = await buildTestApp(t);
  const cases = [
    { password: '1234567890', why: /^密码过于常见.* \/ this password is among the most common/ },
    { password: 'Password123', why: /常见/ },
    { password: 'woaini1314', why: /常见/ },
    { password: 'aaaaaaaaaaaa', why: /^密码不能由同一个字符重复组成 \/ a password cannot be one character repeated/ },
    { password: 'wang.xiaoming', why: /^密码不能与用户名相同 \/ the password cannot be the username/ },
  ];
  for (const { password, why } of cases) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/users', payload: { username: 'wang.xiaoming', displayName: '王小明', role: 'viewer', password } });
    t.equal(res.statusCode, 400, password);
    t.match(json(res), { reason: 'weak-password', message: why });
  }
  t.equal((await app.inject({ url: '/api/v1/users' })).body.includes('wang.xiaoming'), false, 'nothing was created');
  const own = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/password', headers: await signIn(app, 'admin', TEST_ADMIN.password), payload: { currentPassword: TEST_ADMIN.password, newPassword: 'Administrator' } });
  t.equal(json(own).reason, 'weak-password', 'on a change of one\'s own too');
  t.equal(passwordWeakness('Heron-Gable-4417', 'admin'), null, 'an ordinary strong password passes');
});
