// A loudspeaker clip from speech: the announcement chime to catch the ear, then the speech N times
// with a pause after each, as one WAV. Loudness is left to the ordinary audio pipeline (two-pass
// loudnorm in av.renditions.ts), so a spoken clip airs at the same level as every other clip.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ANNOUNCEMENT_CHIME, chimeExpr, VOICE_LIMITER } from '../campaign/audio-tools.js';
import { runFfmpeg } from '../ffmpeg.run.js';
import { wavBytes, type SpeechAudio } from './speech.engine.js';

export const MAX_REPEATS = 10;
const RATE = 48_000;
export const CHIME_SECONDS = 2.2;
/** Silence after each reading: long enough to tell them apart across a square. */
export const PAUSE_SECONDS = 1.5;

/** Writes `<workDir>/clip.wav`: chime, then `repeats` readings each followed by a pause. */
export async function makeSpeechClip(speech: SpeechAudio, repeats: number, workDir: string, signal?: AbortSignal): Promise<string> {
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > MAX_REPEATS) throw new RangeError(`repeats must be 1–${MAX_REPEATS}`);
  const speechFile = path.join(workDir, 'speech.wav');
  await writeFile(speechFile, wavBytes(speech));
  const out = path.join(workDir, 'clip.wav');
  const readings = Array.from({ length: repeats }, (_, i) => `[s${i}]`).join('');
  const voice = `aresample=${RATE},${VOICE_LIMITER},apad=pad_len=${Math.round(PAUSE_SECONDS * RATE)}`;
  const graph = `[1:a]${voice},asplit=${repeats}${readings};[0:a]${readings}concat=n=${repeats + 1}:v=0:a=1,aformat=sample_fmts=s16:channel_layouts=mono[out]`;
  await runFfmpeg(
    [
      '-f', 'lavfi', '-i', `aevalsrc='${chimeExpr([ANNOUNCEMENT_CHIME])}':s=${RATE}:d=${CHIME_SECONDS}`,
      '-i', speechFile,
      '-filter_complex', graph, '-map', '[out]', '-c:a', 'pcm_s16le', out,
    ],
    signal ? { signal } : {},
  );
  return out;
}
