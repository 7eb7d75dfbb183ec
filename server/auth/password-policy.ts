// Which new passwords are refused beyond the length rule: the commonest ones (a small bundled list of
// those at least 10 characters long, from public leak rankings, Chinese ones included), one character
// repeated, and the account's own username. Each refusal says why, in Chinese, then English.
import { AppError } from '../errors.js';

const COMMON_PASSWORDS = new Set([
  '1234567890', '0123456789', '9876543210', '0987654321', '12345678910', '123456789a', 'a123456789',
  '1234567890a', '123456789q', 'q123456789', '1q2w3e4r5t', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'qwertyuiop',
  'qwerty123456', 'qwertyuiop123', 'asdfghjkl1', 'zxcvbnm123', 'password12', 'password123', 'password1234',
  'passw0rd123', 'p@ssw0rd123', 'p@ssword123', 'administrator', 'admin123456', 'admin12345', 'admin@123',
  'adminadmin', 'iloveyou12', 'iloveyou123', 'woaini1314', 'woaini520', 'woaini123456', '5201314520',
  '1314520520', '5201314000', 'aa123456789', 'abc1234567', 'abc123456789', 'abcd123456', 'abcdefghij',
  'abcdefg123', 'qq123456789', 'qazwsxedc123', 'qazwsxedcrfv', '1qazxsw23edc', 'zaq12wsxcde3', 'letmein123',
  'welcome123', 'welcome1234', 'changeme123', 'football123', 'baseball123', 'sunshine123', 'princess123',
  'starwars123', 'superman123', 'dragon1234', 'monkey1234', 'master1234', '11223344556', '1122334455',
  '1212121212', '1231231231', '123123123123', '1234512345', '12341234', '147258369a', '1472583690', '3141592653',
  'computer123', 'internet123', 'trustno1234', 'zhang123456', 'wang123456', 'li123456789', 'a1b2c3d4e5',
  'a1s2d3f4g5', 'crier12345', 'crier123456', 'crieradmin', 'fanzha123456', 'fanzha2027',
]);

export type PasswordWeakness = 'too-common' | 'one-character' | 'equals-username' | 'unchanged';

const MESSAGES: Record<PasswordWeakness, string> = {
  'too-common': '密码过于常见，容易被猜中，请换一个 / this password is among the most common ones: choose another',
  'one-character': '密码不能由同一个字符重复组成 / a password cannot be one character repeated',
  'equals-username': '密码不能与用户名相同 / the password cannot be the username',
  unchanged: '新密码不能与当前密码相同（一次性密码只能使用一次） / the new password must differ from the current one (a one-time password is used once)',
};

/** Why a password is too weak to set, or null. */
export function passwordWeakness(password: string, username?: string): PasswordWeakness | null {
  const folded = password.normalize('NFC').toLowerCase();
  if (COMMON_PASSWORDS.has(folded)) return 'too-common';
  if (new Set(folded).size <= 1) return 'one-character';
  if (username !== undefined && folded === username.trim().toLowerCase()) return 'equals-username';
  return null;
}

export const weakPassword = (why: PasswordWeakness) => new AppError(400, 'weak-password', MESSAGES[why]);

/** Throws a 400 `weak-password` that names the reason. */
export function assertStrongPassword(password: string, username?: string): void {
  const why = passwordWeakness(password, username);
  if (why) throw weakPassword(why);
}
