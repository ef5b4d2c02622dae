import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Reads a file's text, or undefined when it does not exist (an absent cgroup controller means no limit). */
export type ReadText = (path: string) => string | undefined;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * CPUs this process may use: the cores it may run on (affinity included) capped by a cgroup CPU quota. A
 * container limited to 2 CPUs on a 32-core host must size its work for 2 (docs/abuse.md, "Thread pool").
 */
export function availableCpus(read: ReadText = readText, cores = availableParallelism()): number {
  const quota = cgroupCpuQuota(read);
  return Math.max(1, Math.min(cores, quota === undefined ? cores : Math.floor(quota)));
}

/**
 * The tightest cgroup CPU quota in CPUs over the process's cgroup and its ancestors, undefined when there is
 * none: cgroup v2 `cpu.max` ("max 100000" or "<quota> <period>"), else v1 `cpu.cfs_quota_us` (-1: none) over
 * `cpu.cfs_period_us`. Inside a container the cgroup namespace makes the container's cgroup the root.
 */
export function cgroupCpuQuota(read: ReadText): number | undefined {
  const cgroups = parseProcCgroup(read('/proc/self/cgroup') ?? '');
  const quotas: number[] = [];
  for (const dir of ancestors(cgroups.v2 ?? '/')) {
    const [quota, period] = (read(`/sys/fs/cgroup${dir}/cpu.max`) ?? '').trim().split(/\s+/);
    if (quota && quota !== 'max') quotas.push(Number(quota) / Number(period));
  }
  if (!quotas.length) {
    for (const dir of ancestors(cgroups.v1 ?? '/')) {
      const quota = Number(read(`/sys/fs/cgroup/cpu${dir}/cpu.cfs_quota_us`));
      const period = Number(read(`/sys/fs/cgroup/cpu${dir}/cpu.cfs_period_us`));
      if (quota > 0 && period > 0) quotas.push(quota / period);
    }
  }
  const valid = quotas.filter((q) => Number.isFinite(q) && q > 0);
  return valid.length ? Math.min(...valid) : undefined;
}

/** `/proc/self/cgroup`: `0::<path>` is the v2 cgroup, `<n>:cpu,cpuacct:<path>` the v1 CPU controller's. */
function parseProcCgroup(text: string): { v1?: string; v2?: string } {
  const result: { v1?: string; v2?: string } = {};
  for (const line of text.split('\n')) {
    const [id, controllers, path] = [line.split(':')[0], line.split(':')[1], line.split(':').slice(2).join(':')];
    if (id === '0' && controllers === '') result.v2 = path;
    else if (controllers?.split(',').includes('cpu')) result.v1 = path;
  }
  return result;
}

/** `/a/b` → `/a/b`, `/a`, `` (the hierarchy's root). */
function ancestors(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, parts.length - i).join('/')}`).concat('');
}
