/**
 * A bench server in a child process: started with `env`, ready when it prints its first JSON line (returned as
 * `ready`), stopped with SIGTERM (SIGKILL after 5 s). Used for the baselines, which must not share the bench's
 * event loop with the load generator.
 */
const { spawn } = require('node:child_process');

async function startChildServer(script, env, name) {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const ready = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line));
      });
      child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${stderr.slice(-2000)}`)));
    });
    return { ready, pid: child.pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

module.exports = { startChildServer };
