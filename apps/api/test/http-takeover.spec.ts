import 'reflect-metadata';
import { Controller, Get, Module, NotFoundException, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiExceptionFilter } from '../src/common/api-exception.filter';
import { addVary, takeOver } from '../src/common/http';

/** Routes that stream as the downloads do: headers set on the reply, then the response taken over. */
@Controller()
class StreamingController {
  @Get('before')
  before(@Res() reply: FastifyReply) {
    reply.header('Content-Disposition', 'attachment; filename="x.csv"').header('Cache-Control', 'public, max-age=31536000, immutable');
    takeOver(reply);
    throw new NotFoundException('the file went missing');
  }

  @Get('after')
  async after(@Res() reply: FastifyReply) {
    reply.header('Content-Type', 'text/csv');
    const res = takeOver(reply);
    res.write('a,b\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    throw new Error('the COPY failed');
  }

  @Get('streamed')
  streamed(@Res() reply: FastifyReply) {
    addVary(reply, 'Origin');
    addVary(reply, 'Accept');
    addVary(reply, 'origin');
    reply.code(200).header('Content-Type', 'text/csv');
    const res = takeOver(reply);
    res.end('a,b\r\n1,2\r\n');
  }
}

@Module({ controllers: [StreamingController] })
class StreamingModule {}

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; complete: boolean }> {
  return new Promise((resolve) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      const done = () => resolve({ status: res.statusCode!, headers: res.headers, body, complete: res.complete });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
  });
}

describe('a response taken over from Fastify for streaming (takeOver)', () => {
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(StreamingModule, new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ApiExceptionFilter());
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('sends the headers set on the reply before it was taken over, and Vary once per field', async () => {
    const r = await get(`${url}/streamed`);
    expect(r).toMatchObject({ status: 200, body: 'a,b\r\n1,2\r\n', complete: true });
    expect(r.headers['content-type']).toBe('text/csv');
    expect(r.headers.vary).toBe('Origin, Accept');
  });

  it('still answers the JSON error when the route fails before its first byte, without the file\'s headers', async () => {
    const r = await get(`${url}/before`);
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toEqual({ statusCode: 404, error: 'Not Found', message: 'the file went missing' });
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['content-disposition']).toBeUndefined();
  });

  it('cuts the connection when the route fails after its first byte, so a client never takes a short file for whole', async () => {
    const r = await get(`${url}/after`);
    expect(r.status).toBe(200);
    expect(r.body).toBe('a,b\r\n');
    expect(r.complete).toBe(false);
  });
});
