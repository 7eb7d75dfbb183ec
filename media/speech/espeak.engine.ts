// espeak-ng compiled to WebAssembly (@echogarden/espeak-ng-emscripten): offline, from npm alone, no
// native build. It speaks numbered pinyin with the `cmn-latn-pinyin` voice (see mandarin-pinyin.ts).
// Robotic but clear. Each synthesis gets a fresh instance (~0.4 s): a reused one carries state from
// the last text and never gives the same samples twice, so the same words would not de-duplicate.
import type { SpeechAudio, SpeechEngine } from './speech.engine.js';

interface EspeakWorker {
  set_voice(voice: string): number;
  set_rate(wordsPerMinute: number): number;
  get_samplerate(): number;
  synthesize(text: string, onChunk: (samples: Int16Array, events: unknown[]) => number | boolean): void;
}
interface EspeakModule {
  eSpeakNGWorker: new () => EspeakWorker;
}

/** Words per minute: a little slower than espeak's 175, for loudspeakers across a village square. */
const RATE = 150;

export function createEspeakEngine(): SpeechEngine {
  return {
    id: 'espeak-ng',
    async synthesize(text: string): Promise<SpeechAudio> {
      // Loaded at the first alert spoken, not with the server: pinyin-pro's dictionary alone takes ~0.1 s to import.
      const [{ default: initEspeak }, { toSpokenPinyin }] = await Promise.all([import('@echogarden/espeak-ng-emscripten'), import('./mandarin-pinyin.js')]);
      const espeak = new ((await initEspeak()) as EspeakModule).eSpeakNGWorker();
      if (espeak.set_voice('cmn-latn-pinyin') !== 0) throw new Error('espeak-ng: no cmn-latn-pinyin voice');
      espeak.set_rate(RATE);
      const chunks: Int16Array[] = [];
      espeak.synthesize(toSpokenPinyin(text), (samples) => (samples?.length && chunks.push(samples), 0));
      const samples = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) for (let i = 0; i < c.length; i++) samples[at++] = c[i]! / 32768;
      return { samples, sampleRate: espeak.get_samplerate() };
    },
  };
}
