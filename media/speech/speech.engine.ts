// Text-to-speech behind one small interface, so the alert and slogan clips do not care which engine
// speaks: espeak-ng (WebAssembly, from npm, always there) or an operator's own sherpa-onnx VITS model.
export interface SpeechAudio {
  /** Mono samples in [-1, 1]. */
  samples: Float32Array;
  sampleRate: number;
}

export interface SpeechEngine {
  /** Stable id, kept on the clip's title and in logs. */
  readonly id: 'espeak-ng' | 'sherpa-onnx-vits';
  /** Chinese text in, Mandarin speech out. */
  synthesize(text: string): Promise<SpeechAudio>;
}

/** 16-bit PCM WAV of mono samples: what ffmpeg reads to build the clip. */
export function wavBytes({ samples, sampleRate }: SpeechAudio): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, s)) * 32767), i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
