/** CPU use of processes and of the machine, from /proc (Linux); the machine may be shared, so both are measured. */
import fs from 'node:fs';

export interface CpuSnapshot {
  /** Busy and total jiffies of the whole machine (/proc/stat). */
  busy: number;
  total: number;
  /** Jiffies of this process and of the dev server (BENCH_SERVER_PID). */
  ours: number;
}

export function processJiffies(pid: string): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

/** undefined off Linux. */
export function cpuSnapshot(): CpuSnapshot | undefined {
  try {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
    const server = process.env['BENCH_SERVER_PID'];
    return { busy, total: busy + (idle ?? 0) + (iowait ?? 0), ours: processJiffies('self') + (server ? processJiffies(server) : 0) };
  } catch {
    return undefined;
  }
}

/** CPU seconds used by this process and the dev server between two snapshots (USER_HZ = 100). */
export function ourCpuSeconds(a: CpuSnapshot | undefined, b: CpuSnapshot | undefined): number {
  return a && b ? (b.ours - a.ours) / 100 : NaN;
}

/** Share of the machine's CPU (all cores) used by other processes between two snapshots. */
export function otherCpuShare(a: CpuSnapshot | undefined, b: CpuSnapshot | undefined): number {
  if (!a || !b || b.total <= a.total) return NaN;
  return Math.max(0, b.busy - a.busy - (b.ours - a.ours)) / (b.total - a.total);
}


/** CPU jiffies of a process's threads, summed by thread name (/proc/PID/task/TID/stat: node's main and worker threads, V8's helpers, the SDK core's tokio threads). */
export function threadJiffies(pid: string, mainApart = false): Record<string, number> {
  const byName: Record<string, number> = {};
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Node names its worker threads (the workflow thread) and V8's helpers as it names its main thread; `mainApart` tells the main thread apart.
      const name = mainApart && tid === pid ? 'main thread' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[-_ ]?\d+$/, '');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName[name] = (byName[name] ?? 0) + Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    // the process has exited
  }
  return byName;
}
