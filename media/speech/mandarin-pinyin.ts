// Chinese text → numbered pinyin that espeak-ng's `cmn-latn-pinyin` voice reads with the right tones.
// Its `cmn` voice reads Han characters it lacks as English letter names; pinyin never misses. Han
// runs go through pinyin-pro whole, so polyphones follow their context (银行 háng, 行长 zhǎng).
// Digits, Latin letters and punctuation are spelled out here, the way an announcer reads them.
import { pinyin } from 'pinyin-pro';

const DIGITS = ['ling2', 'yi1', 'er4', 'san1', 'si4', 'wu3', 'liu4', 'qi1', 'ba1', 'jiu3'];
/** Phone numbers read 1 as yāo, so 1 and 7 never sound alike. */
const PHONE_DIGITS = DIGITS.map((d, i) => (i === 1 ? 'yao1' : d));
/** Letter names as Chinese announcers say them (A = ēi, B = bì …). */
const LETTERS: Record<string, string> = {
  A: 'ei1', B: 'bi4', C: 'xi1', D: 'di4', E: 'yi4', F: 'ai2 fu1', G: 'ji4', H: 'ai4 qi1', I: 'ai4', J: 'jie4',
  K: 'kai4', L: 'ai2 le5', M: 'ai2 mu5', N: 'en1', O: 'ou1', P: 'pi4', Q: 'qiu1', R: 'a4', S: 'ai2 si1',
  T: 'ti4', U: 'you1', V: 'wei1', W: 'da1 bu5 liu5', X: 'ai2 ke5 si1', Y: 'wai4', Z: 'zei4',
};
const UNITS = ['', 'shi2', 'bai3', 'qian1'];

/** 0–9999 as a cardinal (一千零五, 十二): quantities, not codes. */
function cardinal(n: number): string[] {
  if (n === 0) return [DIGITS[0]!];
  const digits = String(n).split('').map(Number);
  const out: string[] = [];
  let pendingZero = false;
  digits.forEach((d, i) => {
    const unit = UNITS[digits.length - 1 - i]!;
    if (d === 0) {
      pendingZero = out.length > 0;
      return;
    }
    if (pendingZero) out.push(DIGITS[0]!);
    pendingZero = false;
    // 十二, not 一十二, at the head of a number.
    if (!(d === 1 && unit === 'shi2' && out.length === 0)) out.push(DIGITS[d]!);
    if (unit) out.push(unit);
  });
  return out;
}

/** Short service numbers that are always dialled, never counted. */
const SERVICE_NUMBERS = new Set(['110', '119', '120', '122', '12110', '12345', '96110']);
const DIAL_WORDS = /(打|拨|电话|热线|号码|专线|报警|短信)\s*$/u;
/** A measure word after a short number makes it a quantity (120人, 110万元), whatever it looks like. */
const MEASURE = /^[人元个次万亿千百天岁名户起件条位家多余]/u;

/**
 * A run of digits: phone and code numbers digit by digit (1 as yāo), years digit by digit, small
 * quantities as cardinals (第105号, 3次). A 3-digit run is a number to dial unless a word follows it.
 */
function readNumber(run: string, before: string, next: string): string[] {
  if (next === '年' && run.length === 4) return [...run].map((d) => DIGITS[Number(d)]!);
  if (run.length <= 4 && !run.startsWith('0') && MEASURE.test(next)) return cardinal(Number(run));
  const isDialled =
    run.length >= 5 || run.startsWith('0') || SERVICE_NUMBERS.has(run) || DIAL_WORDS.test(before) || (run.length === 3 && !/\p{Script=Han}/u.test(next));
  return isDialled ? [...run].map((d) => PHONE_DIGITS[Number(d)]!) : cardinal(Number(run));
}

const PAUSE_LONG = /[。！？!?；;…\n]/;
const PAUSE_SHORT = /[，、：,:（）()“”"‘’'—\-·《》「」]/;

/** Numbered pinyin (tones 1–5, 5 neutral) with `,` and `.` where the reader pauses. */
export function toSpokenPinyin(text: string): string {
  const words: string[] = [];
  const tokens = text.normalize('NFKC').match(/\p{Script=Han}+|\d+(?:\.\d+)?%?|[A-Za-z]+|\s+|./gsu) ?? [];
  tokens.forEach((token, i) => {
    const next = tokens[i + 1]?.[0] ?? '';
    const before = tokens.slice(Math.max(0, i - 3), i).join('');
    if (/^\p{Script=Han}/u.test(token)) {
      words.push(...pinyin(token, { toneType: 'num', type: 'array', v: true }).map((s) => s.replace(/0$/, '5')));
    } else if (/^\d/.test(token)) {
      const isPercent = token.endsWith('%');
      const [whole, fraction] = token.replace('%', '').split('.') as [string, string | undefined];
      if (isPercent) words.push('bai3', 'fen1', 'zhi1');
      words.push(...readNumber(whole, before, fraction === undefined ? next : ''));
      if (fraction !== undefined) words.push('dian3', ...[...fraction].map((d) => DIGITS[Number(d)]!));
    } else if (/^[A-Za-z]/.test(token)) {
      for (const letter of token.toUpperCase()) words.push(LETTERS[letter]!);
    } else if (PAUSE_LONG.test(token)) {
      words.push('.');
    } else if (PAUSE_SHORT.test(token)) {
      words.push(',');
    }
  });
  // Pauses attach to the word before them; a run of pauses is one pause; none at the start.
  return words
    .join(' ')
    .replace(/\s+([,.])/g, '$1')
    .replace(/([,.])(?:\s*[,.])+/g, (m) => (m.includes('.') ? '.' : ','))
    .replace(/^[\s,.]+/, '')
    .trim();
}
