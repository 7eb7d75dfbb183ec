// Audio building blocks for the campaign generator: a synthesized chime (no sample files to
// license) and EBU R128 loudness normalization, so every clip airs at the same level as
// staff uploads normalized the same way.

/** Runs ffmpeg with the given arguments and resolves to its stderr (where filters report). */
export type FfmpegRunner = (args: string[]) => Promise<string>;

export interface Chime {
  /** Seconds from the start of the track. */
  at: number;
  /** Frequencies in Hz, struck 0.3 s apart (a rising C–E–G is the classic announcement chime). */
  notes: number[];
  /** Peak amplitude per note, 0–1; overlapping notes add up, so keep the sum below 1. */
  gain: number;
}

/** An aevalsrc expression (no quotes or colons inside) for a series of bell-like chimes. */
export function chimeExpr(chimes: Chime[]): string {
  const terms: string[] = [];
  for (const chime of chimes) {
    chime.notes.forEach((hz, i) => {
      const start = (chime.at + i * 0.3).toFixed(3);
      const t = `(t-${start})`;
      // 5 ms attack avoids a click; exponential decay and a soft octave partial make it a bell.
      terms.push(`${chime.gain}*gte(t,${start})*min(1,${t}*200)*exp(-2.5*${t})*(sin(2*PI*${hz}*${t})+0.3*sin(4*PI*${hz}*${t}))`);
    });
  }
  return terms.join('+');
}

/**
 * For a voice going into two-pass loudnorm: espeak-ng peaks at full scale with speech ~18 dB below,
 * too peaky for loudnorm to reach -16 LUFS under a -1.5 dBTP ceiling with a fixed gain (it would
 * fall back to dynamic mode, which pumps). This limiter brings the peak-to-loudness ratio to ~12 dB.
 */
export const VOICE_LIMITER = 'alimiter=limit=0.3:attack=1:release=60:level=false';
/** The rising C–E–G announcement chime, kept below the limited voice's peaks so it never sets the ceiling. */
export const ANNOUNCEMENT_CHIME: Chime = { at: 0.1, notes: [523.25, 659.25, 783.99], gain: 0.12 };

export const LOUDNESS = { I: -16, TP: -1.5, LRA: 11 } as const;
export interface LoudnessTarget {
  I: number;
  TP: number;
  LRA: number;
}

interface LoudnormStats {
  input_i: string;
  input_tp: string;
  input_lra: string;
  input_thresh: string;
  target_offset: string;
}

/**
 * Returns loudnorm's normalization type ("Linear" or "Dynamic") and the input's measurements.
 * Two-pass loudnorm: measure, then apply with the measurements so the gain is linear (one-pass
 * loudnorm rides the gain dynamically and pumps on speech). loudnorm upsamples to 192 kHz, so
 * the second pass resamples to 48 kHz before `encodeArgs`.
 */
export async function loudnormTwoPass(
  ffmpeg: FfmpegRunner,
  input: string,
  output: string,
  encodeArgs: string[],
  loudness: LoudnessTarget = LOUDNESS,
): Promise<string> {
  const target = `I=${loudness.I}:TP=${loudness.TP}:LRA=${loudness.LRA}`;
  const report = await ffmpeg(['-i', input, '-af', `loudnorm=${target}:print_format=json`, '-f', 'null', '-']);
  const json = report.slice(report.lastIndexOf('{'), report.lastIndexOf('}') + 1);
  const m = JSON.parse(json) as LoudnormStats;
  const measured =
    `measured_I=${m.input_i}:measured_TP=${m.input_tp}:measured_LRA=${m.input_lra}` +
    `:measured_thresh=${m.input_thresh}:offset=${m.target_offset}:linear=true`;
  const filter = `loudnorm=${target}:${measured}:print_format=summary`;
  const summary = await ffmpeg(['-i', input, '-af', filter, '-ar', '48000', ...encodeArgs, output]);
  // "Dynamic" means loudnorm could not reach the target with a fixed gain (usually peaks).
  return `${/Normalization Type:\s+(\w+)/.exec(summary)?.[1] ?? 'unknown'} (input ${m.input_i} LUFS, ${m.input_tp} dBTP)`;
}

/** Integrated loudness (LUFS) and true peak (dBTP) as measured by ffmpeg's ebur128 filter. */
export async function measureLoudness(ffmpeg: FfmpegRunner, file: string): Promise<{ integrated: number; truePeak: number }> {
  const report = await ffmpeg(['-nostats', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-']);
  const summary = report.slice(report.lastIndexOf('Summary:'));
  const integrated = Number(/I:\s+(-?[\d.]+) LUFS/.exec(summary)?.[1]);
  const truePeak = Number(/True peak:\s+Peak:\s+(-?[\d.]+) dBFS/.exec(summary)?.[1]);
  if (Number.isNaN(integrated)) throw new Error(`could not read loudness of ${file}`);
  return { integrated, truePeak };
}
