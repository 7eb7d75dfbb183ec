// Where the ffmpeg and ffprobe binaries live. The npm packages ship them inside the tarball, so
// `npm install` works on intranets that only reach the npm registry; the env overrides let an
// operator point at a newer system build without touching code.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function fromPackage(pkg: string, fallback: string): string {
  try {
    // Required lazily: the installer packages throw at load time on unsupported platforms, and an
    // override must still work there.
    return (require(pkg) as { path: string }).path;
  } catch {
    // Last resort: whatever is on PATH, so execFile fails with a plain ENOENT naming the binary.
    return fallback;
  }
}

export const ffmpegPath: string = process.env.FFMPEG_PATH || fromPackage('@ffmpeg-installer/ffmpeg', 'ffmpeg');
export const ffprobePath: string = process.env.FFPROBE_PATH || fromPackage('@ffprobe-installer/ffprobe', 'ffprobe');
