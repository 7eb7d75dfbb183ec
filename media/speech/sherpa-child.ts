// Runs one sherpa-onnx VITS synthesis in its own process (see sherpa.engine.ts): text on stdin,
// float32 samples to the file named, {sampleRate} on stdout.
import { writeFileSync } from 'node:fs';
import { vitsModelFiles } from './sherpa.engine.js';

interface SherpaTts {
  generate(request: { text: string; sid: number; speed: number }): { samples: Float32Array; sampleRate: number };
}

const [dir, out] = process.argv.slice(2) as [string, string];
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const { ruleFsts, ...vits } = vitsModelFiles(dir);
const name = 'sherpa-onnx-node';
const sherpa = (await import(name).catch(() => {
  console.error('未安装 sherpa-onnx-node / the optional package sherpa-onnx-node is not installed (npm install sherpa-onnx-node)');
  process.exit(1);
})) as { OfflineTts?: new (config: unknown) => SherpaTts; default?: { OfflineTts: new (config: unknown) => SherpaTts } };
const OfflineTts = sherpa.OfflineTts ?? sherpa.default!.OfflineTts;
const tts = new OfflineTts({ model: { vits, numThreads: 1, provider: 'cpu' }, maxNumSentences: 1, ruleFsts });
const audio = tts.generate({ text: Buffer.concat(chunks).toString('utf8'), sid: 0, speed: 1 });
writeFileSync(out, Buffer.from(audio.samples.buffer, audio.samples.byteOffset, audio.samples.byteLength));
console.log(JSON.stringify({ sampleRate: audio.sampleRate }));
