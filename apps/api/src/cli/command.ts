/** A CLI command: `npm run cli -- <name...> [args] [--flag value]`. */
export interface CliArgs { positional: string[]; flags: Record<string, string | true> }

export interface CliCommand {
  name: string; // e.g. 'keys create'
  usage: string;
  summary: string;
  run(args: CliArgs): Promise<number | void>;
}

export function parseArgs(argv: string[]): CliArgs {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2);
      if (v !== undefined) flags[k] = v;
      else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) flags[k] = argv[++i];
      else flags[k] = true;
    } else positional.push(a);
  }
  return { positional, flags };
}

export function requireFlag(args: CliArgs, name: string): string {
  const v = args.flags[name];
  if (typeof v !== 'string' || !v) throw new Error(`--${name} is required`);
  return v;
}
