/** What the topology specs know about the run's Redis topology (test/support/topologies.ts). */
import type { Cluster } from 'ioredis';
import { redis, stack } from '../../support/client.js';
import type { TopologyState } from '../../support/topologies.js';

const topologies = (stack as { topologies?: TopologyState[] }).topologies ?? [];

/** The topology of this run, or null when the run is not on it (or its binary is missing): specs skip. */
export function topology(kind: TopologyState['kind']): TopologyState | null {
  const found = topologies.find((t) => t.kind === kind);
  return found && !found.skipped ? found : null;
}

/** `describe` when the run is on `kind`, else `describe.skip` with the reason printed. */
export function describeOn(kind: TopologyState['kind']): jest.Describe {
  if (topology(kind)) return describe;
  const why = topologies.find((t) => t.kind === kind)?.skipped ?? `run with the test:e2e:${kind} script`;
  process.stderr.write(`[topology] ${kind} specs skipped: ${why}\n`);
  return describe.skip;
}

export const cluster = () => redis() as unknown as Cluster;
