import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { buildApp } from './app.factory';
import { runDemoLoad, runFirstStart } from './boot/first-start';
import { loadConfig } from './config';
import { listenWithReadProcesses } from './read-processes/read-processes';

async function main() {
  const config = loadConfig();
  const built = await buildApp(config);
  await runFirstStart(built.app);
  if (config.readProcesses > 0) await listenWithReadProcesses(built.app, config);
  else await built.app.listen(config.port, config.host);
  Logger.log(`Uitkomst (${config.mode}) on http://localhost:${config.port}  API docs: /api/docs`, 'Main');
  await runDemoLoad(built.app);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
