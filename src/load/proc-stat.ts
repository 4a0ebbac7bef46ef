/**
 * Parsers for Linux's CPU accounting (proc(5)): the machine's `/proc/stat` and one process's
 * `/proc/<pid>/stat`. Pure functions of the file text, so the generator-health sampler's
 * arithmetic is tested on constructed text.
 */

/** Cumulative CPU time of all cores since boot, in clock ticks (USER_HZ), from `/proc/stat`'s `cpu` line. */
export interface HostCpuTicks {
  /** every state but guest/guest_nice (already inside user/nice) */
  total: number;
  /** idle + iowait: time no task wanted the CPU */
  idle: number;
  /** time the virtual CPUs waited for the hypervisor */
  steal: number;
}

/** The aggregate `cpu` line of `/proc/stat`; null when the text has none (not Linux, unreadable). */
export function parseProcStat(text: string): HostCpuTicks | null {
  const end = text.indexOf('\n');
  const line = end < 0 ? text : text.slice(0, end);
  if (!line.startsWith('cpu ')) return null;
  // user nice system idle iowait irq softirq steal guest guest_nice (older kernels: fewer)
  const f = line.slice(4).trim().split(/\s+/).map(Number);
  if (f.length < 4 || f.some((n) => !Number.isFinite(n))) return null;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, steal };
}

/** Host CPU busy and steal between two readings, % of all cores' time; null when no tick passed. */
export function hostCpuPercent(before: HostCpuTicks, after: HostCpuTicks): { busyPercent: number; stealPercent: number } | null {
  const total = after.total - before.total;
  if (total <= 0) return null;
  const idle = after.idle - before.idle;
  return { busyPercent: (100 * (total - idle)) / total, stealPercent: (100 * (after.steal - before.steal)) / total };
}

/**
 * utime + stime of `/proc/<pid>/stat`, in clock ticks (all threads of the process). The
 * command name (field 2) may hold spaces and parentheses, so fields are counted after its
 * last `)`. Null when the text is not such a line.
 */
export function parsePidStatTicks(text: string): number | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  // after ")": state(3) ppid(4) … utime(14) stime(15)
  const f = text.slice(close + 1).trim().split(/\s+/);
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  if (f.length < 13 || !Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return utime + stime;
}
