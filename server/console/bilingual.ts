// Server messages read "中文 / English". A half may itself hold a bilingual name in brackets — "不支持的
// 文件类型（ZIP 压缩包 / zip archive）… / unsupported …" — so the halves split at the first " / " outside
// every bracket, never inside one (which cut the Chinese at "ZIP 压缩包"). Pure, for tests.
const OPENING = '（([【「『“';
const CLOSING = '）)]】」』”';

export function splitBilingual(message: string): { zh: string; en: string } | null {
  let depth = 0;
  for (let i = 0; i < message.length; i++) {
    const c = message[i]!;
    if (OPENING.includes(c)) depth++;
    else if (CLOSING.includes(c)) {
      depth = Math.max(0, depth - 1);
      // "…（GET /api/v1/register）/ free-text …": a full-width bracket ends the Chinese half.
      if (depth === 0 && message.startsWith('/ ', i + 1)) return { zh: message.slice(0, i + 1), en: message.slice(i + 3) };
    } else if (depth === 0 && message.startsWith(' / ', i)) return { zh: message.slice(0, i), en: message.slice(i + 3) };
  }
  return null;
}
