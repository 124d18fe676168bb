/**
 * The machine's HTTP floor: bare node:http in its own process, answering every request with the same body (the
 * bytes of a real answer, from BODY_FILE) and the answer's content type. No framework, no routing, no work: what
 * this machine gives at most for answers of that size, measured beside the app in the same run so that runs on
 * days of different machine speed can be compared.
 */
const fs = require('node:fs');
const http = require('node:http');

const body = fs.readFileSync(process.env.BODY_FILE);
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(JSON.stringify({ ready: true, bytes: body.length })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
