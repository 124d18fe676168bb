/**
 * A read process (READ_PROCESSES, read-processes/): started by the main process, which hands it connections
 * from the public port; it serves the public read API and forwards every other request to the main process.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import type { Socket } from 'node:net';
import { loadConfig } from './config';
import { QueryService } from './query/query.service';
import { IpcReleases } from './read-processes/ipc-releases';
import { buildReadApp } from './read-processes/read-app';
import { mainSocketIn, READ_INDEX_ENV, readSocketIn, serveConnection, SOCKET_DIR_ENV } from './read-processes/read-processes';

async function main() {
  const dir = process.env[SOCKET_DIR_ENV];
  if (!dir || !process.send) throw new Error('a read process is started by the main process (READ_PROCESSES), not by hand');
  const app = await buildReadApp(loadConfig(), new IpcReleases(process), mainSocketIn(dir));
  // its own socket starts the HTTP server's timeouts for handed connections, and lets an operator ask this process alone
  const socketPath = readSocketIn(dir, Number(process.env[READ_INDEX_ENV] ?? 0));
  fs.rmSync(socketPath, { force: true }); // left by a read process that died in its place
  await app.listen({ path: socketPath });
  // the latest release is loaded before this process is handed connections, so none of them waits for it
  await app.get(QueryService).open('latest').catch(() => undefined);
  const httpServer = app.getHttpServer();
  process.on('message', (m: { t?: string }, socket?: Socket) => {
    if (m?.t === 'connection' && socket) serveConnection(httpServer, socket);
  });
  process.once('disconnect', () => void app.close().finally(() => process.exit(0)));
  process.send({ t: 'ready' });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
