// The campaign's posters and video slides as SVG. Police blue with red and gold accents, big
// headlines readable from across a station hall, and the 96110 hotline on every piece, as on the
// printed material the county police hand out. Issuer wording is generic (no real county name).
import { svgDocument, text, textWidth } from './svg-text.js';

const C = {
  navy: '#0a2a66',
  blue: '#14459c',
  red: '#d22420',
  deepRed: '#b51d19',
  gold: '#ffc933',
  ink: '#16233f',
  grey: '#5b6780',
  paper: '#ffffff',
  mist: '#eef3fb',
};
export const ISSUER = '县公安局反诈中心';

const defs =
  `<linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${C.navy}"/>` +
  `<stop offset="1" stop-color="${C.blue}"/></linearGradient>`;

function backdrop(w: number, h: number): string {
  // Two faint discs give depth without competing with the text.
  return (
    `<rect width="${w}" height="${h}" fill="url(#bg)"/>` +
    `<circle cx="${w * 0.92}" cy="${h * 0.1}" r="${Math.min(w, h) * 0.3}" fill="#fff" opacity="0.05"/>` +
    `<circle cx="${w * 0.06}" cy="${h * 0.92}" r="${Math.min(w, h) * 0.24}" fill="#fff" opacity="0.04"/>`
  );
}

/** A red label with white text; x is the left edge, or the centre when `centre` is set. */
async function pill(label: string, x: number, y: number, size: number, centre = false): Promise<string> {
  const width = (await textWidth(label, size, 700)) + size * 1.6;
  const left = centre ? x - width / 2 : x;
  const h = size * 1.8;
  const t = await text(label, { x: left + width / 2, y: y + h * 0.68, size, weight: 700, anchor: 'middle' });
  return `<rect x="${left}" y="${y}" width="${width}" height="${h}" rx="${h / 2}" fill="${C.red}"/>${t.svg}`;
}

/** The landscape footer band: hotline on the left, what to do and who issues it on the right. */
async function footer(w: number, h: number): Promise<string> {
  const top = h - 180;
  const label = await text('反诈专线', { x: 120, y: top + 112, size: 44, weight: 700 });
  const number = await text('96110', { x: 120 + label.width + 28, y: top + 128, size: 112, weight: 900, fill: C.gold });
  const right = w - 120;
  const lines = [
    await text('接到96110来电请务必接听 · 一旦被骗立即拨打110', { x: right, y: top + 62, size: 34, weight: 700, anchor: 'end', maxWidth: 1000 }),
    await text('下载“国家反诈中心”App，开启来电预警', { x: right, y: top + 112, size: 30, anchor: 'end', maxWidth: 1000 }),
    await text(`${ISSUER}  宣`, { x: right, y: top + 156, size: 28, weight: 700, anchor: 'end', fill: C.gold }),
  ];
  return `<rect y="${top}" width="${w}" height="180" fill="${C.red}"/>${label.svg}${number.svg}${lines.map((l) => l.svg).join('')}`;
}

const fourTypes = [
  { name: '网上贷款', key: '先交钱，必是骗', tips: ['号称无抵押、秒到账', '放款前收“保证金”', '称流水不足要“解冻”', '正规贷款不先收费'] },
  { name: '投资博彩', key: '稳赚不赔是陷阱', tips: ['网上结识“导师”荐股', '鼓吹内幕消息高回报', '先给甜头，再诱加码', '赌博输赢后台操控'] },
  { name: '网上刷单', key: '刷单返利就是骗', tips: ['兼职刷单日赚数百？', '先返小钱，再骗垫付', '谎称“卡单”要你加钱', '刷单本身就违法'] },
  { name: '网购退赔', key: '主动退款要核实', tips: ['自称电商、快递客服', '索要验证码、共享屏幕', '让你借“备用金”退款', '官方平台核实再操作'] },
];

export async function posterFourTypes(): Promise<string> {
  const [w, h] = [1920, 1080];
  const body = [backdrop(w, h), await pill('防范电信网络诈骗 · 集中宣传', 120, 60, 30)];
  body.push((await text('警惕四类高发电信网络诈骗', { x: w / 2, y: 236, size: 104, weight: 900, anchor: 'middle', maxWidth: 1680 })).svg);
  body.push(`<rect x="${w / 2 - 80}" y="266" width="160" height="8" rx="4" fill="${C.gold}"/>`);
  const [cardW, gap, top, cardH] = [400, 33, 320, 540];
  for (const [i, t] of fourTypes.entries()) {
    const x = 111 + i * (cardW + gap);
    const cx = x + cardW / 2;
    body.push(`<rect x="${x}" y="${top}" width="${cardW}" height="${cardH}" rx="24" fill="${C.paper}"/>`);
    // Square-bottomed band over the card's rounded top.
    body.push(`<path d="M${x} ${top + 24}a24 24 0 0 1 24-24h${cardW - 48}a24 24 0 0 1 24 24v86h-${cardW}z" fill="${C.red}"/>`);
    body.push((await text(t.name, { x: cx, y: top + 76, size: 54, weight: 900, anchor: 'middle', maxWidth: cardW - 40 })).svg);
    body.push((await text(t.key, { x: cx, y: top + 182, size: 42, weight: 900, anchor: 'middle', fill: C.red, maxWidth: cardW - 50 })).svg);
    body.push(`<rect x="${x + 40}" y="${top + 218}" width="${cardW - 80}" height="2" fill="#d9dfea"/>`);
    for (const [j, tip] of t.tips.entries()) {
      const y = top + 288 + j * 66;
      body.push(`<circle cx="${x + 42}" cy="${y - 11}" r="7" fill="${C.blue}"/>`);
      body.push((await text(tip, { x: x + 62, y, size: 30, fill: C.ink, maxWidth: cardW - 84 })).svg);
    }
  }
  body.push(await footer(w, h));
  return svgDocument(w, h, defs, body);
}

/** A chat bubble sized to its lines; `mine` puts it on the right in WeChat green. */
async function bubble(lines: string[], x: number, y: number, mine: boolean, right: number): Promise<{ svg: string; bottom: number }> {
  const size = 30;
  const widest = Math.max(...(await Promise.all(lines.map((l) => textWidth(l, size, 400)))));
  const [bw, bh] = [widest + 44, lines.length * 44 + 30];
  const left = mine ? right - bw : x;
  const parts = [`<rect x="${left}" y="${y}" width="${bw}" height="${bh}" rx="14" fill="${mine ? '#95ec69' : '#ffffff'}"/>`];
  for (const [i, l] of lines.entries()) parts.push((await text(l, { x: left + 22, y: y + 50 + i * 44, size, fill: '#111' })).svg);
  return { svg: parts.join(''), bottom: y + bh };
}

export async function posterFinance(): Promise<string> {
  const [w, h] = [1920, 1080];
  const body = [backdrop(w, h), await pill('财务人员请注意', 120, 80, 34)];
  body.push((await text('“老板”微信让转账', { x: 120, y: 292, size: 120, weight: 900, maxWidth: 980 })).svg);
  body.push((await text('先打电话核实！', { x: 120, y: 436, size: 120, weight: 900, fill: C.gold, maxWidth: 980 })).svg);
  const points = ['QQ、微信里的“老板”“领导”可能是骗子冒充的', '转账汇款务必打电话或当面向本人确认', '严格执行财务审批，不因“急事”“保密”破例'];
  for (const [i, p] of points.entries()) {
    const y = 560 + i * 96;
    body.push(`<circle cx="146" cy="${y + 30}" r="26" fill="${C.gold}"/>`);
    body.push((await text(String(i + 1), { x: 146, y: y + 44, size: 38, weight: 900, fill: C.navy, anchor: 'middle' })).svg);
    body.push((await text(p, { x: 196, y: y + 44, size: 40, weight: 700, maxWidth: 900 })).svg);
  }
  // A phone with the typical opening of the scam, stamped as fraud.
  const [px, py, pw, ph] = [1230, 70, 480, 770];
  body.push(`<rect x="${px}" y="${py}" width="${pw}" height="${ph}" rx="56" fill="#0d1630"/>`);
  body.push(`<rect x="${px + 20}" y="${py + 20}" width="${pw - 40}" height="${ph - 40}" rx="40" fill="#ededed"/>`);
  body.push(`<rect x="${px + 20}" y="${py + 60}" width="${pw - 40}" height="70" fill="#f7f7f7"/>`);
  body.push((await text('王总', { x: px + pw / 2, y: py + 106, size: 32, weight: 700, fill: '#111', anchor: 'middle' })).svg);
  const avatar = async (y: number) =>
    `<rect x="${px + 40}" y="${y}" width="60" height="60" rx="8" fill="#7a8aa8"/>` +
    (await text('王', { x: px + 70, y: y + 41, size: 30, weight: 700, anchor: 'middle' })).svg;
  let y = py + 160;
  for (const lines of [['小李，我在开会，', '不方便接电话。'], ['马上给这个账户', '转28万，急！'], ['卡号 6217****5566']]) {
    body.push(await avatar(y));
    const b = await bubble(lines, px + 114, y, false, px + pw - 40);
    body.push(b.svg);
    y = b.bottom + 22;
  }
  body.push((await bubble(['好的，王总'], px + 40, y, true, px + pw - 40)).svg);
  // Below the reply bubble, so the stamp marks the conversation without hiding any of it.
  const stamp = await text('是诈骗！', { x: 0, y: 26, size: 72, weight: 900, fill: C.red, anchor: 'middle' });
  body.push(
    `<g transform="translate(${px + pw / 2} ${py + 692}) rotate(-10)">` +
      `<rect x="-170" y="-58" width="340" height="112" rx="16" fill="#fff" opacity="0.94" stroke="${C.red}" stroke-width="9"/>${stamp.svg}</g>`,
  );
  body.push(await footer(w, h));
  return svgDocument(w, h, defs, body);
}

/** The "三不一多" rules, with the key character highlighted in red. */
const rules: Array<[string, string, string]> = [
  ['未知链接', '不', '点击'],
  ['陌生来电', '不', '轻信'],
  ['个人信息', '不', '透露'],
  ['转账汇款', '多', '核实'],
];

export async function posterHotlinePortrait(): Promise<string> {
  const [w, h] = [1080, 1920];
  const body = [backdrop(w, h), await pill('防范电信网络诈骗', w / 2, 90, 36, true)];
  body.push((await text('三不一多', { x: w / 2, y: 370, size: 200, weight: 900, anchor: 'middle' })).svg);
  body.push((await text('守好钱袋子 · 护好幸福家', { x: w / 2, y: 460, size: 56, weight: 700, fill: C.gold, anchor: 'middle' })).svg);
  for (const [i, [a, key, b]] of rules.entries()) {
    const y = 530 + i * 176;
    body.push(`<rect x="90" y="${y}" width="900" height="150" rx="24" fill="${C.paper}"/>`);
    body.push(`<circle cx="180" cy="${y + 75}" r="46" fill="${C.navy}"/>`);
    body.push((await text(String(i + 1), { x: 180, y: y + 96, size: 60, weight: 900, anchor: 'middle' })).svg);
    const runs: Array<[string, string?]> = [[a], [key, C.red], [b]];
    body.push((await text(runs, { x: 270, y: y + 100, size: 84, weight: 900, fill: C.ink, maxWidth: 690 })).svg);
  }
  body.push(`<rect x="90" y="1250" width="900" height="370" rx="32" fill="${C.gold}"/>`);
  body.push((await text('反诈预警劝阻专线', { x: w / 2, y: 1336, size: 52, weight: 700, fill: C.navy, anchor: 'middle' })).svg);
  body.push((await text('96110', { x: w / 2, y: 1510, size: 190, weight: 900, fill: C.red, anchor: 'middle' })).svg);
  body.push((await text('接到来电 请务必接听', { x: w / 2, y: 1588, size: 42, weight: 700, fill: C.navy, anchor: 'middle' })).svg);
  body.push((await text('下载“国家反诈中心”App', { x: w / 2, y: 1698, size: 56, weight: 700, anchor: 'middle', maxWidth: 900 })).svg);
  body.push((await text('开启来电预警 · 识别诈骗电话、短信和网址', { x: w / 2, y: 1758, size: 36, anchor: 'middle', opacity: 0.9, maxWidth: 900 })).svg);
  body.push(`<rect y="1800" width="${w}" height="120" fill="${C.red}"/>`);
  body.push((await text(`${ISSUER}  宣`, { x: w / 2, y: 1876, size: 44, weight: 700, anchor: 'middle' })).svg);
  return svgDocument(w, h, defs, body);
}

/** Video slides share the poster look; 1920×1080 so text stays sharp on large LED walls. */
export async function videoSlides(): Promise<string[]> {
  const [w, h] = [1920, 1080];
  const s1 = [backdrop(w, h), await pill(`${ISSUER}提醒您`, w / 2, 170, 40, true)];
  s1.push((await text('防范电信网络诈骗', { x: w / 2, y: 480, size: 170, weight: 900, anchor: 'middle', maxWidth: 1700 })).svg);
  s1.push(`<rect x="${w / 2 - 100}" y="530" width="200" height="10" rx="5" fill="${C.gold}"/>`);
  s1.push((await text('守好钱袋子 · 护好幸福家', { x: w / 2, y: 660, size: 72, weight: 700, fill: C.gold, anchor: 'middle' })).svg);
  // The hotline stays on screen on the first and last slides, whenever a passer-by looks up.
  s1.push(await footer(w, h));

  const s2 = [backdrop(w, h), (await text('这些都是诈骗！', { x: w / 2, y: 210, size: 120, weight: 900, anchor: 'middle' })).svg];
  const rows: Array<[string, string]> = [['网上贷款', '放款之前先交钱'], ['投资博彩', '稳赚不赔高回报'], ['网上刷单', '动动手指赚返利'], ['网购退赔', '“客服”主动来退款']];
  for (const [i, [name, what]] of rows.entries()) {
    const y = 290 + i * 180;
    s2.push(`<rect x="240" y="${y}" width="1440" height="150" rx="24" fill="${C.paper}"/>`);
    s2.push(`<path d="M264 ${y}h336v150h-336a24 24 0 0 1-24-24v-102a24 24 0 0 1 24-24z" fill="${C.red}"/>`);
    s2.push((await text(name, { x: 420, y: y + 97, size: 66, weight: 900, anchor: 'middle' })).svg);
    s2.push((await text(what, { x: 660, y: y + 99, size: 72, weight: 900, fill: C.ink, maxWidth: 980 })).svg);
  }

  const s3 = [backdrop(w, h), (await text('三不一多', { x: w / 2, y: 210, size: 130, weight: 900, anchor: 'middle' })).svg];
  for (const [i, [a, key, b]] of rules.entries()) {
    const [x, y] = [240 + (i % 2) * 740, 290 + Math.floor(i / 2) * 210];
    s3.push(`<rect x="${x}" y="${y}" width="700" height="176" rx="24" fill="${C.paper}"/>`);
    s3.push((await text([[a], [key, C.red], [b]], { x: x + 350, y: y + 118, size: 88, weight: 900, fill: C.ink, anchor: 'middle', maxWidth: 640 })).svg);
  }
  s3.push((await text('守好钱袋子 · 护好幸福家', { x: w / 2, y: 830, size: 60, weight: 700, fill: C.gold, anchor: 'middle' })).svg);
  s3.push(await footer(w, h));
  return [s1, s2, s3].map((body) => svgDocument(w, h, defs, body));
}

