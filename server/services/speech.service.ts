// Spoken clips for loudspeakers: text → Mandarin speech (media/speech) → chime + N readings → an
// ordinary audio upload, so the clip gets the same loudness pass, MP3, waveform, approval and
// de-duplication as any recording a township sends in.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FraudTagSchema, type MediaItem, type Slogan } from '../../playlists/catalogue.schema.js';
import { makeSpeechClip, MAX_REPEATS } from '../../media/speech/speech-clip.js';
import type { Speaker } from '../../media/speech/speech.engines.js';
import { AppError } from '../errors.js';
import type { MediaService } from './media.service.js';

export const RepeatsSchema = z.number().int().min(1).max(MAX_REPEATS);
export const SloganSpeechInputSchema = z.object({ repeats: RepeatsSchema.default(2) });
export type SloganSpeechInput = z.infer<typeof SloganSpeechInputSchema>;

export interface SpeechRequest {
  text: string;
  repeats: number;
  title: string;
  tags?: z.infer<typeof FraudTagSchema>[];
}

/** What a loudspeaker reads for a slogan: the headline, a full stop, the subline. */
export const spokenText = (s: Pick<Slogan, 'headline' | 'subline'>) =>
  s.subline ? `${s.headline.replace(/[。！!？?]*$/, '')}。${s.subline}` : s.headline;

export type SpeechService = ReturnType<typeof createSpeechService>;

export function createSpeechService(deps: { media: MediaService; speak: Speaker; tmpDir: string }) {
  const { media, speak, tmpDir } = deps;

  /** An audio item (processing until its loudness pass is done); the same text and repeats again give the same item. */
  async function makeAudio(request: SpeechRequest): Promise<{ item: MediaItem; isNew: boolean; engine: string }> {
    const workDir = path.join(tmpDir, `speech-${randomUUID()}`);
    await mkdir(workDir, { recursive: true });
    try {
      const speech = await speak(request.text);
      if (speech.samples.length < speech.sampleRate / 4) {
        throw new AppError(422, 'nothing-to-say', '这段文字读不出声音 / the text gives no speech');
      }
      const clip = await makeSpeechClip(speech, request.repeats, workDir);
      const received = await media.receive(createReadStream(clip), () => false);
      const made = await media.ingest(received, { title: request.title.slice(0, 120), tags: request.tags ?? [] }, 'speech.wav');
      return { ...made, engine: speech.engine };
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  return {
    makeAudio,
    /** “生成广播音频”: a slogan's words as a loudspeaker clip. */
    async fromSlogan(sloganItem: MediaItem, input: SloganSpeechInput) {
      if (sloganItem.kind !== 'text' || !sloganItem.slogan) {
        throw new AppError(422, 'not-a-slogan', '只有文字标语可以生成广播音频 / only a text slogan can be turned into speech');
      }
      return makeAudio({ text: spokenText(sloganItem.slogan), repeats: input.repeats, title: `广播：${sloganItem.title}`, tags: sloganItem.tags });
    },
  };
}
