/** The bench's command line (`npm run bench -- --help`). */
import { scaleUsage } from './scale';

export interface Options {
  cases: number;
  concurrency: number;
  warmup: number;
  rounds: number;
  strict: boolean;
  settle: boolean;
  mixed: boolean;
  remoteSkeleton: boolean;
}

export const usage = `usage: bench [--cases N (40)] [--concurrency C (8)] [--warmup W (4)] [--rounds R (1, alternating order)] [--strict] [--settle] [--mixed] [--remote-skeleton]\n       ${scaleUsage}`;

export class UsageError extends Error {}

export function parseArgs(argv: string[]): Options {
  const opts: Options = { cases: 40, concurrency: 8, warmup: 4, rounds: 1, strict: false, settle: false, mixed: false, remoteSkeleton: false };
  const min = { cases: 1, concurrency: 1, warmup: 0, rounds: 1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(usage);
      process.exit(0);
    }
    if (arg === '--remote-skeleton') {
      opts.remoteSkeleton = true;
      continue;
    }
    const flag = /^--(strict|settle|mixed)$/.exec(arg);
    if (flag) {
      opts[flag[1] as 'strict' | 'settle' | 'mixed'] = true;
      continue;
    }
    const m = /^--(cases|concurrency|warmup|rounds)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unknown argument ${arg}\n${usage}`);
    const key = m[1] as keyof typeof min;
    const raw = m[2] ?? argv[++i];
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value < min[key]) {
      throw new UsageError(`--${key} needs an integer ≥ ${min[key]} (got ${raw ?? 'nothing'})\n${usage}`);
    }
    opts[key] = value;
  }
  return opts;
}

