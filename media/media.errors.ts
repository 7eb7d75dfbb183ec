// Why an upload was refused: an HTTP status, a stable reason code, and words a township clerk understands.
export type RejectionReason =
  | 'too-large'
  | 'too-long'
  | 'unsupported-type'
  | 'empty-file'
  | 'corrupt-file'
  | 'too-many-pixels'
  | 'unsafe-svg'
  | 'media-tools-missing'
  | 'animated-image';

export class MediaRejection extends Error {
  constructor(
    readonly statusCode: 413 | 415 | 422 | 503,
    readonly reason: RejectionReason,
    message: string,
  ) {
    super(message);
  }
}

/** Pixel counts as Chinese says them: 1 亿像素, 5000 万像素 (not 100 百万像素). */
export const pixelsZh = (n: number) => (n >= 1e8 ? `${Math.round(n / 1e7) / 10} 亿像素` : n >= 1e4 ? `${Math.round(n / 1e3) / 10} 万像素` : `${n} 像素`);
const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
const span = (ms: number): [zh: string, en: string] =>
  ms >= 60_000 ? [`${Math.round(ms / 6000) / 10} 分钟`, `${Math.round(ms / 6000) / 10} min`] : [`${Math.round(ms / 100) / 10} 秒`, `${Math.round(ms / 100) / 10} s`];
const KIND_ZH = { image: '图片', video: '视频', audio: '音频' } as const;
type FileKind = keyof typeof KIND_ZH;

export const rejections = {
  tooLarge: (kind: FileKind, limit: number) =>
    new MediaRejection(413, 'too-large', `文件太大：${KIND_ZH[kind]}最大 ${mb(limit)} / file too large: ${kind} files may be at most ${mb(limit)}`),
  tooLong: (kind: 'video' | 'audio', durationMs: number, limitMs: number) => {
    const [[dz, de], [lz, le]] = [span(durationMs), span(limitMs)];
    return new MediaRejection(413, 'too-long', `${KIND_ZH[kind]}太长：本文件 ${dz}，最长 ${lz} / ${kind} too long: ${de}, the limit is ${le}`);
  },
  unsupported: (what: { zh: string; en: string }) =>
    new MediaRejection(
      415,
      'unsupported-type',
      `不支持的文件类型（${what.zh}）。请上传图片（JPG、PNG、WebP、GIF、SVG）、视频（MP4、MOV 等）或音频（MP3、WAV、M4A、AMR 等） / unsupported file type (${what.en}): upload an image (JPG, PNG, WebP, GIF, SVG), a video (MP4, MOV, …) or audio (MP3, WAV, M4A, AMR, …)`,
    ),
  empty: () => new MediaRejection(422, 'empty-file', '文件是空的（0 字节），请重新导出后上传 / the file is empty (0 bytes): export it again and upload'),
  corrupt: (kind: string) =>
    new MediaRejection(
      422,
      'corrupt-file',
      `文件已损坏或不完整，无法打开（${kind}），请用原文件重新上传 / the file is damaged or incomplete and cannot be opened (${kind}): upload the original again`,
    ),
  tooManyPixels: (width: number, height: number, limit: number) =>
    new MediaRejection(
      422,
      'too-many-pixels',
      `图片尺寸异常（${width}×${height} 像素），超过 ${pixelsZh(limit)}的上限，已拒绝 / image is ${width}×${height} pixels, above the ${Math.round(limit / 1e6)} megapixel limit: refused`,
    ),
  /** The server's fault, not the file's: ffprobe cannot run, so nothing video or audio can be taken. */
  toolsMissing: () =>
    new MediaRejection(
      503,
      'media-tools-missing',
      '服务器缺少 ffprobe，暂时无法接收视频和音频，请联系管理员 / the server cannot run ffprobe, so video and audio cannot be taken now: tell the administrator',
    ),
  /** Animated WebP/AVIF: ffmpeg here cannot read their frames, and a first frame alone would air frozen. */
  animatedImage: (format: string) =>
    new MediaRejection(
      422,
      'animated-image',
      `动图（${format}）无法播放为动画，请转成 GIF 或 MP4 视频后上传 / animated ${format} cannot air as an animation: convert it to GIF or an MP4 video and upload that`,
    ),
  unsafeSvg: () =>
    new MediaRejection(422, 'unsafe-svg', 'SVG 文件含有不允许的内容（实体定义），请导出为 PNG 或 JPG 后上传 / the SVG contains entity declarations, which are not allowed: export it as PNG or JPG'),
};
