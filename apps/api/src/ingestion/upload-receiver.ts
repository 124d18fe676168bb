/**
 * Streams an HTTP upload to a file under DATA_DIR/uploads while hashing it, never holding the whole body in
 * memory. Accepts the file as the raw body or as the multipart field `file`; enforces the size limit (413).
 */
import { BadRequestException, HttpException, HttpStatus, PayloadTooLargeException } from '@nestjs/common';
import busboy from 'busboy';
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import * as path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileFormat, formatOf, mediaTypeOf, SUPPORTED_MEDIA_TYPES } from './file-formats';

export interface ReceivedUpload {
  filePath: string;
  sha256: string;
  byteSize: number;
  format: FileFormat;
  filename: string | null;
}

export class UnsupportedMediaTypeError extends HttpException {
  constructor(mediaType: string) {
    super({
      statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE',
      message: `Files of type "${mediaType || '(none)'}" are not accepted. Send one of: ${SUPPORTED_MEDIA_TYPES.join(', ')}.`,
    }, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
  }
}

const tooLarge = (maxBytes: number) => new PayloadTooLargeException({
  statusCode: 413, code: 'FILE_TOO_LARGE', message: `The file is larger than the limit of ${maxBytes} bytes.`,
});

class SizeLimitExceeded extends Error {}

/** How long a refused multipart upload waits for its partial file to be removed before answering. */
const FILE_CLEANUP_WAIT_MS = 5000;

/** Hashes and counts what passes through; fails once more than maxBytes have passed. */
function hashingCounter(maxBytes: number) {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(new SizeLimitExceeded());
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ sha256: hash.digest('hex'), byteSize: bytes }) };
}

/** Writes a stream to a new file in `dir`, hashing it; removes the file on failure. */
export async function streamToFile(source: Readable, dir: string, maxBytes: number): Promise<{ filePath: string; sha256: string; byteSize: number }> {
  // The source may fail (e.g. a multipart body ending mid-file) before the pipeline below listens; an
  // 'error' event without a listener would take the whole process down. The pipeline still sees the error.
  source.on('error', () => undefined);
  await fs.promises.mkdir(dir, { recursive: true });
  const filePath = path.join(dir, `${randomUUID()}.part`);
  const counter = hashingCounter(maxBytes);
  try {
    await pipeline(source, counter.stream, fs.createWriteStream(filePath, { highWaterMark: 1 << 20 }));
  } catch (err) {
    await fs.promises.rm(filePath, { force: true });
    throw err;
  }
  return { filePath, ...counter.result() };
}

/** The file name from Content-Disposition, else from the `filename` query parameter. */
function filenameOf(req: IncomingMessage, filenameParam: string | null): string | null {
  const disposition = req.headers['content-disposition'];
  const m = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  return (m ? decodeURIComponent(m[1]) : filenameParam)?.slice(0, 255) ?? null;
}

/** Reads the upload from the request; a refusal for size is a 413, on which the exception filter closes the connection. */
export async function receiveUpload(req: IncomingMessage, filenameParam: string | null, dir: string, maxBytes: number): Promise<ReceivedUpload> {
  const mediaType = mediaTypeOf(req.headers['content-type']);
  try {
    if (mediaType === 'multipart/form-data') return await receiveMultipart(req, dir, maxBytes);
    const filename = filenameOf(req, filenameParam);
    const format = formatOf(mediaType, filename);
    if (!format) throw new UnsupportedMediaTypeError(mediaType);
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > maxBytes) throw new SizeLimitExceeded();
    return { ...(await streamToFile(req, dir, maxBytes)), format, filename };
  } catch (err) {
    throw err instanceof SizeLimitExceeded ? tooLarge(maxBytes) : err;
  }
}

function receiveMultipart(req: IncomingMessage, dir: string, maxBytes: number): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    let upload: Promise<ReceivedUpload> | null = null;
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes + 1 } });
    } catch (err) {
      return reject(new BadRequestException(`multipart body unreadable: ${(err as Error).message}`));
    }
    parser.on('file', (field, file, info) => {
      if (field !== 'file' || upload) return file.resume();
      const format = formatOf(info.mimeType, info.filename);
      if (!format) {
        file.resume();
        upload = Promise.reject(new UnsupportedMediaTypeError(info.mimeType));
        upload.catch(() => undefined);
        return;
      }
      upload = streamToFile(file, dir, maxBytes).then((r) => ({ ...r, format, filename: info.filename?.slice(0, 255) ?? null }));
      // A failed file (too large) is destroyed; busboy would wait forever for it to drain, so answer now.
      upload.catch((err) => {
        if (!(err instanceof SizeLimitExceeded)) return file.resume();
        req.unpipe(parser);
        req.resume();
        reject(err);
      });
    });
    let unreadable = false;
    parser.on('error', (err) => {
      unreadable = true;
      const failure = new BadRequestException(`multipart body unreadable: ${(err as Error).message}`);
      if (!upload) return reject(failure);
      // Answer only once the file part is gone from disk: removed by streamToFile when it failed, here when it was complete.
      const removed = upload.then((r) => fs.promises.rm(r.filePath, { force: true }), () => undefined);
      void Promise.race([removed, new Promise((r) => setTimeout(r, FILE_CLEANUP_WAIT_MS).unref())]).then(() => reject(failure));
    });
    parser.on('close', () => {
      if (unreadable) return; // answered by the 'error' handler
      if (!upload) return reject(new BadRequestException('the multipart body has no field named "file"'));
      upload.then(resolve, reject);
    });
    req.pipe(parser);
  });
}
