// Generates the embedded default campaign's files into media/campaign/assets/ plus assets.json.
// Run by hand (`npm run campaign:media`) and commit the output: the server and CI only read the
// committed files, so espeak-ng is needed here and nowhere else. Output is byte-for-byte
// reproducible on the same toolchain (bitexact muxing, single-threaded x264, no timestamps).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from '../sharp.js';
import { FraudTagSchema, SloganSchema } from '../../playlists/catalogue.schema.js';
import { ffmpegPath, ffprobePath } from '../ffmpeg.paths.js';
import { ensureFonts } from '../fonts.js';
import { renderCampaignPreviews } from './campaign-previews.js';
import { renderSvg } from './svg-text.js';
import { posterFinance, posterFourTypes, posterHotlinePortrait, videoSlides } from './campaign-art.js';
import { campaignMedia } from './campaign.data.js';
import type { CampaignAssetInfo } from './campaign.types.js';
import { ANNOUNCEMENT_CHIME, chimeExpr, loudnormTwoPass, measureLoudness, VOICE_LIMITER } from './audio-tools.js';

const run = promisify(execFile);
const assetsDir = fileURLToPath(new URL('./assets/', import.meta.url));
const espeakPath = process.env.ESPEAK_NG_PATH || 'espeak-ng';
// Keeps muxers from writing encoder versions and times, so reruns give identical bytes.
const BITEXACT = ['-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1'];

async function ffmpeg(args: string[]): Promise<string> {
  try {
    const { stderr } = await run(ffmpegPath, ['-hide_banner', '-nostdin', '-y', ...args], { maxBuffer: 64 << 20 });
    return stderr;
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '');
    throw new Error(`ffmpeg failed: ${(err as Error).message}\n${stderr.slice(-2000)}`);
  }
}

async function renderPosters(): Promise<void> {
  const posters: Array<[string, () => Promise<string>]> = [
    ['poster-four-types.png', posterFourTypes],
    ['poster-finance.png', posterFinance],
    ['poster-hotline-portrait.png', posterHotlinePortrait],
  ];
  for (const [file, design] of posters) {
    await renderSvg(await design()).png({ compressionLevel: 9, adaptiveFiltering: true }).toFile(path.join(assetsDir, file));
  }
}

// Slide lengths in seconds: the four-row slide needs the most reading time.
const SLIDES = [3.6, 4.8, 4.4];
const FADE = 0.8;

async function renderVideo(work: string): Promise<void> {
  const svgs = await videoSlides();
  const pngs = await Promise.all(
    svgs.map(async (svg, i) => {
      const file = path.join(work, `slide-${i + 1}.png`);
      await renderSvg(svg).png().toFile(file);
      return file;
    }),
  );
  // Each slide starts FADE seconds before the previous one ends and fades its alpha in over it.
  const starts = SLIDES.map((_, i) => SLIDES.slice(0, i).reduce((a, b) => a + b, 0) - i * FADE);
  const total = starts.at(-1)! + SLIDES.at(-1)!;
  const inputs = pngs.flatMap((png, i) => ['-framerate', '25', '-loop', '1', '-t', String(SLIDES[i]), '-i', png]);
  const chains = starts.map((start, i) => {
    const fade = i === 0 ? '' : `fade=t=in:st=0:d=${FADE}:alpha=1,`;
    return `[${i + 1}:v]format=yuva420p,${fade}setpts=PTS-STARTPTS+${start.toFixed(3)}/TB[s${i}]`;
  });
  let last = '0:v';
  const overlays = starts.map((_, i) => {
    const out = i === starts.length - 1 ? 'vo' : `o${i}`;
    const chain = `[${last}][s${i}]overlay=eof_action=pass${out === 'vo' ? ',format=yuv420p' : ''}[${out}]`;
    last = out;
    return chain;
  });
  // A soft three-note chime to open, one quiet note at each change of slide.
  const chime = chimeExpr([
    { at: 0.15, notes: [523.25, 659.25, 783.99], gain: 0.2 },
    ...starts.slice(1).map((at) => ({ at, notes: [783.99], gain: 0.1 })),
  ]);
  await ffmpeg([
    ...['-f', 'lavfi', '-i', `color=c=0x0a2a66:s=1920x1080:r=25:d=${total.toFixed(3)}`],
    ...inputs,
    ...['-f', 'lavfi', '-i', `aevalsrc='${chime}':s=48000:d=${total.toFixed(3)}`],
    ...['-filter_complex', [...chains, ...overlays].join(';'), '-map', '[vo]', '-map', `${pngs.length + 1}:a`],
    // Main profile and a 2 s GOP: cheap kiosk PCs decode it, and seeking/looping stays quick.
    ...['-c:v', 'libx264', '-preset', 'slow', '-tune', 'stillimage', '-crf', '23', '-profile:v', 'main', '-level', '4.0'],
    ...['-pix_fmt', 'yuv420p', '-g', '50', '-threads', '1'],
    ...['-c:a', 'aac', '-b:a', '96k', '-ac', '2', '-ar', '48000'],
    ...['-movflags', '+faststart', ...BITEXACT, '-t', total.toFixed(3)],
    path.join(assetsDir, 'video-four-types.mp4'),
  ]);
}

// 防范电信网络诈骗，县公安局反诈中心提醒您：贷款先交钱，就是诈骗；网上投资博彩，稳赚不赔是陷阱；
// 刷单返利，全是骗局；客服主动退款，一定要核实；财务人员注意，“老板”微信让转账，务必电话核实。
// 接到九六幺幺零来电，请务必接听。
// Tones are written as spoken, with sandhi applied by hand (espeak-ng reads citation tones):
// 老板 lao2 ban3, 一定 yi2 ding4. The hotline is read digit by digit with 幺 for 1, as on air.
const BROADCAST_PINYIN = [
  'fang2 fan4 dian4 xin4 wang3 luo4 zha4 pian4, xian4 gong1 an1 ju2 fan3 zha4 zhong1 xin1 ti2 xing3 nin2.',
  'dai4 kuan3 xian1 jiao1 qian2, jiu4 shi4 zha4 pian4.',
  'wang3 shang4 tou2 zi1 bo2 cai3, wen3 zhuan4 bu4 pei2 shi4 xian4 jing3.',
  'shua1 dan1 fan3 li4, quan2 shi4 pian4 ju2.',
  'ke4 fu2 zhu3 dong4 tui4 kuan3, yi2 ding4 yao4 he2 shi2.',
  'cai2 wu4 ren2 yuan2 zhu4 yi4, lao2 ban3 wei1 xin4 rang4 zhuan3 zhang4, wu4 bi4 dian4 hua4 he2 shi2.',
  'jie1 dao4 jiu3 liu4 yao1 yao1 ling2 lai2 dian4, qing3 wu4 bi4 jie1 ting1.',
].join(' ');

async function renderAudio(work: string): Promise<void> {
  const speech = path.join(work, 'speech.wav');
  try {
    // A little slower than espeak's default 175 wpm: loudspeakers echo across a village.
    await run(espeakPath, ['-v', 'cmn-latn-pinyin', '-s', '160', '-w', speech, BROADCAST_PINYIN]);
  } catch (err) {
    throw new Error(`espeak-ng is needed for the broadcast audio (Debian: apt-get install espeak-ng): ${(err as Error).message}`);
  }
  const mixed = path.join(work, 'broadcast.wav');
  const chime = chimeExpr([ANNOUNCEMENT_CHIME]);
  const voice = `aresample=48000,${VOICE_LIMITER},apad=pad_len=48000`;
  await ffmpeg([
    ...['-f', 'lavfi', '-i', `aevalsrc='${chime}':s=48000:d=2.6`, '-i', speech],
    ...['-filter_complex', `[1:a]${voice}[sp];[0:a][sp]concat=n=2:v=0:a=1,aformat=sample_fmts=s16:channel_layouts=mono[a]`],
    ...['-map', '[a]', '-c:a', 'pcm_s16le', mixed],
  ]);
  const how = await loudnormTwoPass(ffmpeg, mixed, path.join(assetsDir, 'audio-broadcast.mp3'), [
    // VBR: CBR 96k measured 0.4 LU quieter after encoding; -q:a 4 keeps -16.0 at a similar size.
    ...['-ac', '1', '-c:a', 'libmp3lame', '-q:a', '4', ...BITEXACT],
  ]);
  console.log(`loudnorm: ${how}`);
}

interface Probe {
  streams: Array<{ codec_type: string; width?: number; height?: number }>;
  format: { duration?: string };
}

async function describe(file: string): Promise<CampaignAssetInfo> {
  const full = path.join(assetsDir, file);
  const bytes = await readFile(full);
  const info: CampaignAssetInfo = { file, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  if (/\.(png|jpg)$/.test(file)) {
    const meta = await sharp(full).metadata();
    return { ...info, width: meta.width, height: meta.height };
  }
  const args = ['-v', 'error', '-show_entries', 'stream=codec_type,width,height:format=duration', '-of', 'json', full];
  const probe = JSON.parse((await run(ffprobePath, args)).stdout) as Probe;
  const video = probe.streams.find((s) => s.codec_type === 'video');
  const durationMs = Math.round(Number(probe.format.duration) * 1000);
  return video ? { ...info, width: video.width, height: video.height, durationMs } : { ...info, durationMs };
}

function checkData(): void {
  const keys = new Set<string>();
  for (const spec of campaignMedia) {
    if (keys.has(spec.key)) throw new Error(`duplicate campaign key ${spec.key}`);
    keys.add(spec.key);
    spec.tags.forEach((tag) => FraudTagSchema.parse(tag));
    if (spec.kind === 'text') SloganSchema.parse(spec.slogan);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const step = async (name: string, fn: () => Promise<void>) => {
    const t = Date.now();
    await fn();
    console.log(`${name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  checkData();
  // Before any text render: fontconfig reads its configuration only once per process.
  console.log(`fonts: ${ensureFonts()}`);
  await mkdir(assetsDir, { recursive: true });
  const work = await mkdtemp(path.join(os.tmpdir(), 'crier-campaign-'));
  try {
    await step('posters', renderPosters);
    await step('video', () => renderVideo(work));
    await step('audio', () => renderAudio(work));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const avFiles = campaignMedia.flatMap((spec) => (spec.kind === 'video' || spec.kind === 'audio' ? [spec.file] : []));
  const previews = await renderCampaignPreviews(assetsDir, avFiles);
  const files = [...campaignMedia.flatMap((spec) => (spec.kind === 'text' ? [] : [spec.file])), ...previews];
  const assets = await Promise.all(files.sort().map(describe));
  await writeFile(path.join(assetsDir, 'assets.json'), `${JSON.stringify(assets, null, 2)}\n`);

  const loud = await measureLoudness(ffmpeg, path.join(assetsDir, 'audio-broadcast.mp3'));
  console.log(`audio loudness: ${loud.integrated.toFixed(1)} LUFS integrated, ${loud.truePeak.toFixed(1)} dBTP true peak`);
  if (Math.abs(loud.integrated + 16) > 1) throw new Error('broadcast audio missed the -16 LUFS target');
  const stray = (await readdir(assetsDir)).filter((f) => f !== 'assets.json' && !files.includes(f));
  if (stray.length) console.warn(`not part of the campaign (delete by hand if stale): ${stray.join(', ')}`);
  let total = 0;
  for (const a of assets) {
    total += a.bytes;
    const dims = a.width ? ` ${a.width}×${a.height}` : '';
    console.log(`${a.file}: ${(a.bytes / 1024).toFixed(0)} KiB${dims}${a.durationMs ? ` ${a.durationMs} ms` : ''}`);
  }
  console.log(`total ${(total / 1024).toFixed(0)} KiB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
