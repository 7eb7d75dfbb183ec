// An operator's own offline VITS Mandarin model through sherpa-onnx (npm `sherpa-onnx-node`, an
// optional dependency with prebuilt binaries in the npm tarball). No Mandarin model ships on npm:
// the operator downloads one (e.g. a sherpa-onnx `vits-zh-*` or `vits-melo-tts-zh_en` release) and
// points CRIER_TTS_VITS_DIR at its directory. Sherpa reads Han text itself (its own lexicon and
// number rules), so the text goes in as it is.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpeechAudio, SpeechEngine } from './speech.engine.js';

/** execFile with text on stdin. */
const run = (file: string, args: string[], o: { input: string; timeout: number }) =>
  new Promise<{ stdout: string }>((resolve, reject) => {
    const child = execFile(file, args, { timeout: o.timeout, maxBuffer: 1 << 20 }, (err, stdout, stderr) =>
      err ? reject(Object.assign(err, { stderr })) : resolve({ stdout }),
    );
    child.stdin?.end(o.input);
  });

/** The files a sherpa-onnx VITS model directory holds; throws a clear message when one is missing. */
export function vitsModelFiles(dir: string) {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new Error(`语音模型目录不存在 / CRIER_TTS_VITS_DIR does not exist: ${dir}`);
  }
  const model = names.find((n) => n.endsWith('.onnx'));
  if (!model || !names.includes('tokens.txt')) {
    throw new Error(`语音模型目录缺少 *.onnx 或 tokens.txt / CRIER_TTS_VITS_DIR needs a *.onnx model and tokens.txt: ${dir}`);
  }
  const join = (n: string) => path.join(dir, n);
  return {
    model: join(model),
    tokens: join('tokens.txt'),
    lexicon: names.includes('lexicon.txt') ? join('lexicon.txt') : '',
    dictDir: names.includes('dict') ? join('dict') : '',
    dataDir: names.includes('espeak-ng-data') ? join('espeak-ng-data') : '',
    ruleFsts: names.filter((n) => n.endsWith('.fst')).map(join).join(','),
  };
}

/**
 * Each synthesis runs in a child process (sherpa-child.ts): onnxruntime aborts the whole process on a
 * damaged model file, and that must never take the server down with it.
 */
export function createSherpaVitsEngine(dir: string): SpeechEngine {
  vitsModelFiles(dir);
  return {
    id: 'sherpa-onnx-vits',
    async synthesize(text: string): Promise<SpeechAudio> {
      const work = await mkdtemp(path.join(os.tmpdir(), 'crier-vits-'));
      try {
        const out = path.join(work, 'speech.f32');
        const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sherpa-child.ts');
        const { stdout } = await run(process.execPath, ['--import', 'tsx', child, dir, out], { input: text, timeout: 120_000 }).catch((err: Error & { stderr?: string }) => {
          const lines = String(err.stderr || err.message).split('\n').map((l) => l.trim());
          throw new Error(`sherpa-onnx: ${lines.find((l) => /what\(\)|error|failed|未安装/i.test(l)) ?? lines[0]}`);
        });
        const { sampleRate } = JSON.parse(stdout) as { sampleRate: number };
        const bytes = await readFile(out);
        return { samples: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4), sampleRate };
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  };
}
