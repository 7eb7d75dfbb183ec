// Mandarin speech for loudspeakers: text → numbered pinyin → espeak-ng (WebAssembly) → chime + N
// readings → the ordinary audio pipeline. Measured with ffmpeg: long enough to be the words read
// out, loud (not silence), and at the same loudness as every clip.
import path from 'node:path';
import t from 'tap';
import { toSpokenPinyin } from '../../media/speech/mandarin-pinyin.js';
import { createSpeaker } from '../../media/speech/speech.engines.js';
import { loadConfig } from '../../server/config.js';
import { buildTestApp } from '../helper.js';
import { waitSettled } from './fixtures/files.js';
import { measureSpokenClip } from './fixtures/speech.js';

t.test('text reads as an announcer would: tones by context, numbers to dial digit by digit, letters by name', async (t) => {
  t.equal(toSpokenPinyin('请立即拨打96110。'), 'qing3 li4 ji2 bo1 da3 jiu3 liu4 yao1 yao1 ling2.');
  t.equal(toSpokenPinyin('银行行长'), 'yin2 hang2 hang2 zhang3', 'polyphones follow their words');
  t.equal(toSpokenPinyin('下载App'), 'xia4 zai4 ei1 pi4 pi4');
  t.equal(toSpokenPinyin('第105号，共120人'), 'di4 yi1 bai3 ling2 wu3 hao4, gong4 yi1 bai3 er4 shi2 ren2', 'quantities as numbers');
  t.equal(toSpokenPinyin('拨打110'), 'bo1 da3 yao1 yao1 ling2');
  t.equal(toSpokenPinyin('2027年'), 'er4 ling2 er4 qi1 nian2');
  t.equal(toSpokenPinyin('好的吗？！'), 'hao3 de5 ma5.', 'neutral tone 5, one pause for a run of marks');
  t.notMatch(toSpokenPinyin('紧急通知：冒充公检法，QQ、微信转账 3.5 万元'), /[\u4e00-\u9fff]|[A-Z]/, 'nothing left for the English reader');
});

t.test('one-step alert: its speech is a loudness-normalised Mandarin clip (a chime, one reading) that joins the alert, aired `repeats` times', async (t) => {
  const app = await buildTestApp(t);
  const headline = '冒充公检法要求转账的都是诈骗';
  const subline = '请拨打96110咨询';
  const res = await app.inject({ method: 'POST', url: '/api/v1/alerts/message', payload: { headline, subline, target: { kind: 'all' }, repeats: 2 } });
  t.equal(res.statusCode, 201, res.body);
  const sent = JSON.parse(res.body);
  t.equal(sent.speech.engine, 'espeak-ng');
  const playlist = app.crier.catalogue.read().playlists.find((p) => p.id === sent.alert.playlistId)!;
  t.same(playlist.items.map((i) => i.mediaId), [sent.slogan.id, sent.speech.item.id], 'the alert airs the slogan and the spoken clip');
  t.equal(sent.slogan.slogan.theme, 'alert');
  t.equal(sent.alert.airings, 2, 'stations air it twice, then return to their schedule');

  const item = await waitSettled(app, sent.speech.item.id, 60_000);
  t.equal(item.status, 'ready', JSON.stringify(item.error ?? ''));
  const mp3 = item.renditions.find((r: { role: string }) => r.role === 'playback');
  t.ok(item.renditions.some((r: { role: string }) => r.role === 'waveform'), 'a waveform like any audio upload');
  const file = path.join(app.crier.mediaStore.dir, mp3.fileName);
  const { durationMs, spokenSeconds, perSyllable, loud, mean } = await measureSpokenClip(file, `${headline}。${subline}`, 1);
  t.ok(perSyllable > 0.15 && perSyllable < 0.6, `speech length fits one reading of the words: ${spokenSeconds.toFixed(2)} s, ${perSyllable.toFixed(3)} s per syllable`);
  t.ok(Date.parse(item.readyAt) >= Date.parse(sent.alert.startsAt), 'its readiness is stamped: stations count their airings from then');
  t.ok(Math.abs(loud.integrated - -16) <= 1, `integrated loudness ${loud.integrated} LUFS (target -16)`);
  t.ok(loud.truePeak <= -0.5, `true peak ${loud.truePeak} dBTP`);
  t.ok(mean > -30, `not silence: mean volume ${mean} dB`);
  t.comment(`clip ${durationMs} ms, ${loud.integrated} LUFS, ${loud.truePeak} dBTP, mean ${mean} dB`);
});

t.test('make audio from a slogan (生成广播音频): a new clip, the same one again, and clear refusals', async (t) => {
  const app = await buildTestApp(t);
  const made = await app.inject({ method: 'POST', url: '/api/v1/media/slogans', payload: { slogan: { headline: '陌生来电要警惕', subline: '不转账 不汇款', theme: 'calm' } } });
  const slogan = JSON.parse(made.body);
  const first = await app.inject({ method: 'POST', url: `/api/v1/media/${slogan.id}/speech`, payload: { repeats: 1 } });
  t.equal(first.statusCode, 201, first.body);
  const audio = JSON.parse(first.body).item;
  t.equal(audio.kind, 'audio');
  t.equal(audio.title, `广播：${slogan.title}`);
  t.equal((await waitSettled(app, audio.id, 60_000)).status, 'ready');
  const again = await app.inject({ method: 'POST', url: `/api/v1/media/${slogan.id}/speech`, payload: { repeats: 1 } });
  t.equal(again.statusCode, 200, 'the same words and repeats give the same item');
  t.equal(JSON.parse(again.body).item.id, audio.id);

  const before = app.crier.catalogue.read().media.length;
  const notText = await app.inject({ method: 'POST', url: `/api/v1/media/${audio.id}/speech`, payload: {} });
  t.equal(notText.statusCode, 422);
  t.match(JSON.parse(notText.body), { reason: 'not-a-slogan', message: /^只有文字标语.* \/ only a text slogan/ });
  const tooMany = await app.inject({ method: 'POST', url: `/api/v1/media/${slogan.id}/speech`, payload: { repeats: 11 } });
  t.equal(tooMany.statusCode, 400);
  t.equal(app.crier.catalogue.read().media.length, before, 'refusals change nothing');
});

t.test('an operator VITS model: checked at start, and a broken one falls back to espeak-ng instead of going mute', async (t) => {
  const work = t.testdir({ broken: { 'model.onnx': 'not a model', 'tokens.txt': 'a 1\n' }, empty: { 'readme.txt': '' } });
  const dir = path.join(work, 'broken');
  t.throws(() => loadConfig({ CRIER_TTS_VITS_DIR: path.join(work, 'missing') }), /CRIER_TTS_VITS_DIR/);
  t.throws(() => loadConfig({ CRIER_TTS_VITS_DIR: path.join(work, 'empty') }), /\*\.onnx/);
  t.equal(loadConfig({ CRIER_TTS_VITS_DIR: dir }).ttsVitsDir, dir);
  const warnings: string[] = [];
  const speak = createSpeaker({ vitsDir: dir, warn: (m) => warnings.push(m) });
  const audio = await speak('你好');
  t.equal(audio.engine, 'espeak-ng');
  t.ok(audio.samples.length > audio.sampleRate / 4, 'it still speaks');
  t.match(warnings[0], /VITS .* espeak-ng.*sherpa-onnx/);
});
