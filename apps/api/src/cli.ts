/** `npm run cli -- <command>`: operating Uitkomst from the shell. Each capability adds its commands to COMMANDS. */
import { adminCommands } from './cli/admin-commands';
import { backupCommands } from './cli/backup-commands';
import { CliCommand, parseArgs } from './cli/command';
import { submitCommand } from './cli/submit-command';
import { metricsCommands } from './cli/metrics-commands';

const COMMANDS: CliCommand[] = [...adminCommands, ...metricsCommands, submitCommand, ...backupCommands];

function help() {
  console.log('Usage: npm run cli -- <command> [options]\n');
  for (const c of COMMANDS) console.log(`  ${c.usage.padEnd(70)} ${c.summary}`);
}

async function main(argv: string[]) {
  const args = parseArgs(argv);
  const command = [...COMMANDS].sort((a, b) => b.name.length - a.name.length)
    .find((c) => c.name.split(' ').every((w, i) => args.positional[i] === w));
  if (!command) return help(), argv.length && !['help', '--help', '-h'].includes(argv[0]) ? 2 : 0;
  args.positional = args.positional.slice(command.name.split(' ').length);
  return (await command.run(args)) ?? 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code ?? 0), (err) => {
  console.error(`error: ${err.message ?? err}`);
  process.exit(1);
});
