// Shared by the station browser tests: tones uploaded like any clip, and a look at the station's audio element.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { CrierApp } from '../../server/app.js';
import { ffmpeg, upload, waitSettled } from '../media/fixtures/files.js';

export const json = (res: { body: string }) => JSON.parse(res.body);
export const local = (hhmmss: string) => Date.parse(`2026-01-12T${hhmmss}+08:00`);

/** A sine tone of `seconds`, uploaded and processed like any clip (loudness-normalized MP3). */
export async function tone(app: CrierApp, title: string, seconds: number, hz: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crier-tone-'));
  const file = path.join(dir, `${title}.wav`);
  await ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=${hz}:duration=${seconds}`, '-ac', '1', '-ar', '44100', file]);
  const res = await upload(app, { name: `${title}.wav`, data: await readFile(file) }, { title });
  await rm(dir, { recursive: true, force: true });
  const item = await waitSettled(app, res.body.id);
  const mp3 = (item.renditions as { role: string; fileName: string }[]).find((r) => r.role === 'playback')!;
  return { id: item.id as string, url: `/media/${mp3.fileName}` };
}

/** What the station's audio element is doing now. */
export const audioState = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector<HTMLAudioElement>('#stage .layer.is-live audio');
    return el ? { paused: el.paused, currentTime: el.currentTime, src: new URL(el.src).pathname, volume: el.volume } : null;
  });

