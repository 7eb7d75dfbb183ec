// Reading multipart bodies: a body the parser cannot read (no or wrong boundary, cut short, a boundary
// over 256 bytes) is the client's fault, 400 `malformed-multipart`, never a 500 with a stack trace.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

export const multipartRequired = () => new AppError(415, 'multipart-required', '请以 multipart/form-data 上传文件 / upload the file as multipart/form-data');

function malformed(error: unknown): unknown {
  if (error instanceof AppError || ((error as { statusCode?: number }).statusCode ?? 500) < 500) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new AppError(400, 'malformed-multipart', `上传内容不是有效的 multipart/form-data / malformed multipart/form-data body: ${detail}`);
}

/** The parts of an upload, with unreadable bodies turned into a 400. */
export async function* readParts(req: FastifyRequest) {
  try {
    yield* req.parts();
  } catch (error) {
    throw malformed(error);
  }
}

/** One small file read whole (an import): 415 without multipart, `noFile` without a file, 413 over maxBytes. */
export async function readSmallFile(req: FastifyRequest, maxBytes: number, noFile: AppError): Promise<Buffer> {
  if (!req.isMultipart()) throw multipartRequired();
  try {
    const file = await req.file({ limits: { fileSize: maxBytes } });
    if (!file) throw noFile;
    const bytes = await file.toBuffer();
    const mb = maxBytes / 1024 / 1024;
    if (file.file.truncated) throw new AppError(413, 'too-large', `文件超过 ${mb} MB / the file is larger than ${mb} MB`);
    return bytes;
  } catch (error) {
    throw malformed(error);
  }
}
