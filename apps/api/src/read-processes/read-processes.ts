/**
 * READ_PROCESSES > 0: the main process accepts every connection on the public port and hands each in turn to
 * itself or to one of its read processes (as Node's cluster does, but the main process serves too). A read
 * process serves the public read API from the release files with its own DuckDB and caches, and forwards every
 * other request to the main process's unix socket; it asks the main process for releases (ipc-releases.ts).
 * Keep-alive connections stay where they were handed, so a busy client's requests spread over the processes
 * by its connections.
 */
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AppConfig } from '../config';
import type { PublishedReleases } from '../releases/published-releases';
import { PUBLISHED_RELEASES, READ_PROCESS_STATE } from '../tokens';
import { announcePublished, answerReleaseQuestions } from './ipc-releases';
import type { ReadProcessState } from './read-process-state';

const READ_MAIN = path.join(__dirname, '..', 'read-main.js');
const START_TIMEOUT_MS = 120_000;
const RESTART_DELAY_MS = 1_000;
const log = new Logger('ReadProcesses');

/** Environment of a read process: where the main process's socket is, and which process it is. */
export const SOCKET_DIR_ENV = 'UITKOMST_SOCKET_DIR';
export const READ_INDEX_ENV = 'UITKOMST_READ_INDEX';
export const mainSocketIn = (dir: string) => path.join(dir, 'main.sock');
export const readSocketIn = (dir: string, index: number) => path.join(dir, `read-${index}.sock`);

/** A connection accepted paused (here or in the main process) given to this process's HTTP server. */
export function serveConnection(httpServer: net.Server, socket: net.Socket): void {
  httpServer.emit('connection', socket);
  socket.resume();
}

/** Listens on config.port with config.readProcesses read processes beside this one; the app must not listen yet. */
export async function listenWithReadProcesses(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-'));
  await app.listen({ path: mainSocketIn(dir) });
  // when the app closes (a signal's exit runs no 'exit' listeners)
  app.getHttpServer().once('close', () => fs.rmSync(dir, { recursive: true, force: true }));
  const releases = app.get<PublishedReleases>(PUBLISHED_RELEASES, { strict: false });
  const serving: (ChildProcess | null)[] = Array.from({ length: config.readProcesses }, () => null);
  const state = app.get<ReadProcessState>(READ_PROCESS_STATE, { strict: false });
  const counted = () => { state.serving = serving.filter(Boolean).length; };
  let closing = false;
  // on Ctrl-C the read processes get the signal too: they are not started again while this one shuts down
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { closing = true; });

  const start = (index: number, again = false): Promise<void> => new Promise((resolve) => {
    const child = fork(READ_MAIN, [], { env: { ...process.env, [SOCKET_DIR_ENV]: dir, [READ_INDEX_ENV]: String(index) }, serialization: 'advanced' });
    answerReleaseQuestions(child, releases);
    const timer = setTimeout(() => { log.error(`read process ${index + 1} did not start within ${START_TIMEOUT_MS / 1000} s`); child.kill(); }, START_TIMEOUT_MS);
    child.on('message', (m: { t?: string }) => {
      if (m?.t !== 'ready') return;
      clearTimeout(timer);
      serving[index] = child;
      counted();
      if (again) log.log(`read process ${index + 1} started again`);
      resolve();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const wasServing = serving[index] === child;
      if (wasServing) serving[index] = null;
      counted();
      resolve();
      if (closing) return;
      // one that never started is not started again: the same error would follow; the other processes serve on
      if (!wasServing) return log.error(`read process ${index + 1} exited before it was ready (${signal ?? `code ${code}`}); serving without it`);
      log.warn(`read process ${index + 1} exited (${signal ?? `code ${code}`}); starting another`);
      state.restarts++;
      setTimeout(() => { if (!closing) void start(index, true); }, RESTART_DELAY_MS);
    });
  });
  await Promise.all(serving.map((_, i) => start(i)));
  releases.onPublished((release) => serving.forEach((child) => child && announcePublished(child, release)));

  const httpServer = app.getHttpServer();
  const serveHere = (socket: net.Socket) => serveConnection(httpServer, socket);
  let turn = 0;
  const publicServer = net.createServer({ pauseOnConnect: true }, (socket) => {
    const targets = [null, ...serving.filter((c): c is ChildProcess => c !== null)];
    const target = targets[turn++ % targets.length];
    if (!target) return serveHere(socket);
    target.send({ t: 'connection' }, socket, (err) => { if (err && !socket.destroyed) serveHere(socket); });
  });
  await new Promise<void>((resolve, reject) => {
    publicServer.once('error', reject);
    publicServer.listen(config.port, config.host, () => resolve());
  });
  publicServer.on('error', (err) => log.error(`public port: ${err.message}`)); // a failed accept (EMFILE) must not end the process
  httpServer.once('close', () => {
    closing = true;
    publicServer.close();
    for (const child of serving) child?.kill('SIGTERM');
  });
  log.log(`read processes serving the public read API beside this one: ${state.serving} (sockets in ${dir})`);
}
