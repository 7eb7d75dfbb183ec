// Which engine speaks: the operator's VITS model when CRIER_TTS_VITS_DIR names one, else espeak-ng.
// A model that fails at synthesis falls back to espeak-ng, logged: an urgent alert is never mute.
import { createEspeakEngine } from './espeak.engine.js';
import { createSherpaVitsEngine } from './sherpa.engine.js';
import type { SpeechAudio, SpeechEngine } from './speech.engine.js';

export type { SpeechAudio, SpeechEngine };

export interface SpokenAudio extends SpeechAudio {
  engine: SpeechEngine['id'];
}

export type Speaker = (text: string) => Promise<SpokenAudio>;

export function createSpeaker(options: { vitsDir?: string | undefined; warn: (message: string) => void }): Speaker {
  const fallback = createEspeakEngine();
  const primary = options.vitsDir ? createSherpaVitsEngine(options.vitsDir) : null;
  return async (text) => {
    if (primary) {
      try {
        return { ...(await primary.synthesize(text)), engine: primary.id };
      } catch (err) {
        options.warn(`VITS 语音合成失败，改用 espeak-ng / the VITS model failed, speaking with espeak-ng: ${(err as Error).message}`);
      }
    }
    return { ...(await fallback.synthesize(text)), engine: fallback.id };
  };
}
