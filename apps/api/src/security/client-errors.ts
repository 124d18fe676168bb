/**
 * Requests Node's HTTP parser refuses before any route sees them (headers or URL too large, malformed
 * request line) get a JSON error body like every other error, instead of a bare status line.
 */
import type { Duplex } from 'node:stream';

const PARSER_ERRORS: Record<string, { status: number; reason: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', message: 'the request line and headers are larger than the server accepts (16 KB); send long lists in several requests' },
  HPE_URI_OVERFLOW: { status: 414, reason: 'URI Too Long', message: 'the URL is longer than the server accepts' },
};
const BAD_REQUEST = { status: 400, reason: 'Bad Request', message: 'the request is not valid HTTP' };

/** Fastify's `clientErrorHandler`: the HTTP server's 'clientError' listener. */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex) {
  if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
  const e = PARSER_ERRORS[err.code ?? ''] ?? BAD_REQUEST;
  const body = JSON.stringify({ statusCode: e.status, error: e.reason, message: e.message });
  socket.end(`HTTP/1.1 ${e.status} ${e.reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
