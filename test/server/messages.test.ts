// Every server message reaches the reader whole and in their language (issue 12.6): the halves of
// "中文 / English" split outside brackets, nested names are given per language, numbers read naturally.
import t from 'tap';
import { pixelsZh } from '../../media/media.errors.js';
import { splitBilingual } from '../../server/console/bilingual.js';
import { upload } from '../media/fixtures/files.js';
import { buildTestApp } from '../helper.js';

const CJK = /[\u4e00-\u9fff]/;
// A zip archive's first bytes (local file header), enough for the sniffer.
const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]), Buffer.alloc(200, 1)]);

t.test('the zip refusal splits into a whole Chinese and a whole English half', async (t) => {
  const app = await buildTestApp(t);
  const res = await upload(app, { name: '宣传材料.zip', data: zip });
  t.equal(res.status, 415);
  const halves = splitBilingual(res.body.message)!;
  t.ok(halves, 'it is bilingual');
  t.match(halves.zh, /^不支持的文件类型（ZIP 压缩包）。请上传图片.*音频（MP3、WAV、M4A、AMR 等）$/, 'not cut at "ZIP 压缩包"');
  t.notOk(/[A-Za-z]{4,}/.test(halves.zh.replace(/JPG|PNG|WebP|GIF|SVG|MP4|MOV|MP3|WAV|M4A|AMR|ZIP/g, '')), 'no English words in the Chinese half');
  t.match(halves.en, /^unsupported file type \(zip archive\): upload an image/);
  t.notOk(CJK.test(halves.en), 'no Chinese in the English half');
});

t.test('an unknown target names the kind in both halves', async (t) => {
  const app = await buildTestApp(t);
  const playlistId = app.crier.catalogue.read().defaultPlaylistId;
  const res = await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId, target: { kind: 'townships', townships: ['火星乡'] } } });
  const halves = splitBilingual(JSON.parse(res.body).message)!;
  t.equal(halves.zh, '目标不存在：没有屏幕属于乡镇「火星乡」');
  t.equal(halves.en, 'unknown target: no screen has townships 火星乡');
});

t.test('splitting: brackets of either script, and messages without a second half', async (t) => {
  t.same(splitBilingual('甲（乙 / b）丙 / a (b / c) d'), { zh: '甲（乙 / b）丙', en: 'a (b / c) d' });
  t.same(splitBilingual('名称「A / B」已存在 / name “A / B” exists'), { zh: '名称「A / B」已存在', en: 'name “A / B” exists' });
  t.equal(splitBilingual('只有中文'), null);
  t.same(splitBilingual('请发送 siteId（GET /api/v1/register）/ send siteId (GET /api/v1/register)'), { zh: '请发送 siteId（GET /api/v1/register）', en: 'send siteId (GET /api/v1/register)' });
});

t.test('pixel counts read naturally in Chinese', async (t) => {
  t.equal(pixelsZh(100_000_000), '1 亿像素');
  t.equal(pixelsZh(50_000_000), '5000 万像素');
  t.equal(pixelsZh(250_000_000), '2.5 亿像素');
});
