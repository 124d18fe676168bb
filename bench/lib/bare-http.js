/** Starts bench/lib/bare-http-server.js, which answers every request with `body`; returns { url, bytes, stop() }. */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('./app-process');
const { startChildServer } = require('./child-server');

async function startBareHttp(body) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-bench-bare-'));
  const bodyFile = path.join(dir, 'body');
  fs.writeFileSync(bodyFile, body);
  const port = await freePort();
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  const server = await startChildServer(path.join(__dirname, 'bare-http-server.js'), { PORT: String(port), BODY_FILE: bodyFile }, 'the bare HTTP server')
    .catch((err) => { removeDir(); throw err; });
  return { url: `http://127.0.0.1:${port}`, bytes: server.ready.bytes, stop: async () => { await server.stop(); removeDir(); } };
}

module.exports = { startBareHttp };
