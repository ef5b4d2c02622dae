import { RESERVED_THREADS } from './abuse-settings.js';
import { loadConfig } from './config.js';
import { availableCpus, cgroupCpuQuota } from './cpu.js';

const files = (map: Record<string, string>) => (path: string) => map[path];

describe('cgroup CPU limit', () => {
  it('reads cgroup v2 cpu.max, the tightest over the process’s cgroup and its ancestors', () => {
    const read = files({
      '/proc/self/cgroup': '0::/kubepods/pod1/ctr\n',
      '/sys/fs/cgroup/kubepods/pod1/ctr/cpu.max': 'max 100000\n',
      '/sys/fs/cgroup/kubepods/pod1/cpu.max': '250000 100000\n',
      '/sys/fs/cgroup/kubepods/cpu.max': '800000 100000\n',
    });
    expect(cgroupCpuQuota(read)).toBe(2.5);
    expect(availableCpus(read, 32)).toBe(2);
  });

  it('reads the root cpu.max inside a container’s cgroup namespace', () => {
    const read = files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '150000 100000' });
    expect(availableCpus(read, 16)).toBe(1);
  });

  it('falls back to cgroup v1 cfs quota and period', () => {
    const read = files({
      '/proc/self/cgroup': '4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n0::/\n',
      '/sys/fs/cgroup/cpu/docker/abc/cpu.cfs_quota_us': '400000\n',
      '/sys/fs/cgroup/cpu/docker/abc/cpu.cfs_period_us': '100000\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
    });
    expect(availableCpus(read, 64)).toBe(4);
  });

  it('uses the core count when there is no limit, and never less than one CPU', () => {
    expect(availableCpus(files({ '/sys/fs/cgroup/cpu.max': 'max 100000' }), 8)).toBe(8);
    expect(availableCpus(files({}), 8)).toBe(8);
    expect(availableCpus(files({ '/sys/fs/cgroup/cpu.max': '20000 100000' }), 8)).toBe(1);
    expect(availableCpus(files({ '/sys/fs/cgroup/cpu.max': '1600000 100000' }), 4)).toBe(4);
  });
});

describe('thread pool size', () => {
  it('keeps threads free beyond the hashing concurrency', () => {
    const { hashing } = loadConfig({ ARGON2_CONCURRENCY: '3' });
    expect(hashing.threadPoolSize).toBe(3 + RESERVED_THREADS);
    expect(loadConfig({ ARGON2_CONCURRENCY: '3', UV_THREADPOOL_SIZE: '16' }).hashing.threadPoolSize).toBe(16);
    expect(() => loadConfig({ ARGON2_CONCURRENCY: '3', UV_THREADPOOL_SIZE: '3' })).toThrow(/UV_THREADPOOL_SIZE/);
  });
});
