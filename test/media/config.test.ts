import t from 'tap';
import { loadConfig } from '../../server/config.js';

t.test('media limits and targets come from the environment, with defaults', async (t) => {
  const d = loadConfig({});
  t.equal(d.maxImageBytes, 50 * 1024 * 1024);
  t.equal(d.maxVideoBytes, 2048 * 1024 * 1024);
  t.same(d.loudness, { integratedLufs: -16, truePeakDbtp: -1.5 });
  t.equal(d.ffmpegConcurrency, 1);
  t.equal(d.videoPreset, 'veryfast');
  const c = loadConfig({ CRIER_LED_SIZES: '384x192, 64x32', CRIER_MAX_VIDEO_SECONDS: '90', CRIER_LOUDNESS_LUFS: '-23', CRIER_MAX_IMAGE_MB: '0.5' });
  t.same(c.ledSizes, [{ width: 384, height: 192 }, { width: 64, height: 32 }]);
  t.equal(c.maxVideoMs, 90_000);
  t.equal(c.loudness.integratedLufs, -23);
  t.equal(c.maxImageBytes, 524_288);
  t.same(loadConfig({ CRIER_LED_SIZES: '' }).ledSizes, []);
});

t.test('bad media settings name the variable', async (t) => {
  t.throws(() => loadConfig({ CRIER_LED_SIZES: '384*192' }), /CRIER_LED_SIZES="384\*192"/);
  t.throws(() => loadConfig({ CRIER_LOUDNESS_LUFS: '+3' }), /CRIER_LOUDNESS_LUFS/);
  t.throws(() => loadConfig({ CRIER_VIDEO_PRESET: 'placebo' }), /CRIER_VIDEO_PRESET/);
  t.throws(() => loadConfig({ CRIER_FFMPEG_CONCURRENCY: '0' }), /CRIER_FFMPEG_CONCURRENCY/);
});
