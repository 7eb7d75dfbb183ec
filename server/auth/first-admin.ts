// The first start: with no account at all, create the county admin, from CRIER_ADMIN_PASSWORD or with a
// generated one-time password that is printed once (and never stored but as a hash).
import type { FastifyBaseLogger } from 'fastify';
import type { AccountsService } from '../services/accounts.service.js';
import { generatePassword } from './passwords.js';

export async function ensureFirstAdmin(deps: { accounts: AccountsService; adminPassword: string | undefined; log: FastifyBaseLogger }): Promise<void> {
  const { accounts, adminPassword, log } = deps;
  const password = adminPassword ?? generatePassword();
  // A password someone set on purpose is theirs to keep; a generated one must be replaced at first sign-in.
  const admin = await accounts.ensureFirstAdmin(password, adminPassword === undefined);
  if (!admin) return;
  if (adminPassword !== undefined) {
    log.warn(`已按 CRIER_ADMIN_PASSWORD 创建首个管理员，用户名 admin / first admin created from CRIER_ADMIN_PASSWORD, username: admin`);
    return;
  }
  const line =
    `已创建首个管理员，用户名 admin，一次性密码 ${password} ——只显示这一次，首次登录后须修改 / ` +
    `first admin created, username admin, one-time password ${password} — shown only this once, change it at first sign-in`;
  // A silenced logger must not swallow the only copy of the password.
  if (log.level === 'silent') process.stderr.write(`${line}\n`);
  else log.warn(line);
}
