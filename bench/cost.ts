// What one measured run costs besides its time: CPU seconds of each process that took part, and their peak
// resident memory. One client runs at a time, so the deltas over its run are its own: this Node process
// (net-openssh, or ssh2, which runs in it), the ControlMaster(s) it goes through, the processes the run started and
// waited for (ssh -S, bash, perl and what they started) and the server's sshd processes.
import { childrenOf, cpuOf, rssOf, treeOf } from './proc-usage';

/** CPU seconds and peak resident bytes of one run. */
export interface Cost {
  /** CPU seconds of this Node process (user + system). */
  node: number;
  /** CPU seconds of the client's ControlMaster(s). */
  master: number;
  /** CPU seconds of the processes the run started (ssh -S, bash, perl, spawn-engine slaves), once reaped. */
  children: number;
  /** CPU seconds of the server: sshd and the sessions under it. */
  sshd: number;
  /** Peak resident bytes of this Node process during the run (sampled). */
  rssNode: number;
  /** That peak less this process's resident bytes when the run started: what the run made it grow by. */
  rssNodeGrowth: number;
  /** Peak resident bytes of the master(s) (sampled). */
  rssMaster: number;
  /** Peak resident bytes of the processes the run started, summed (sampled). */
  rssChildren: number;
}

const SAMPLE_MS = 100;

const nodeCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const sum = (pids: readonly number[], f: (pid: number) => number) => pids.reduce((n, p) => n + f(p), 0);
const treeCpu = (roots: readonly number[]) =>
  sum(roots.flatMap(treeOf), (p) => {
    const c = cpuOf(p);
    return c.own + c.reaped;
  });

// Processes started during the run: Node's descendants outside the subtrees of its children at the start (sshd,
// masters, the watchdog), which the other columns account for or which take no part.
const newDescendants = (known: ReadonlySet<number>): number[] =>
  childrenOf(process.pid)
    .filter((p) => !known.has(p))
    .flatMap(treeOf);

/**
 * Runs `run` (which returns its elapsed ms) and measures what it costs. `masters` are the ControlMaster pids the
 * client uses; `sshds` the server's listening sshd pids.
 */
export const withCost = async (
  run: () => Promise<number>,
  masters: readonly number[],
  sshds: readonly number[],
): Promise<{ ms: number; cost: Cost }> => {
  const known = new Set(childrenOf(process.pid));
  const rss0 = process.memoryUsage.rss();
  const peak = { rssNode: 0, rssMaster: 0, rssChildren: 0 };
  const sample = () => {
    peak.rssNode = Math.max(peak.rssNode, process.memoryUsage.rss());
    peak.rssMaster = Math.max(peak.rssMaster, sum(masters, rssOf));
    peak.rssChildren = Math.max(peak.rssChildren, sum(newDescendants(known), rssOf));
  };
  const t0 = { node: nodeCpu(), master: sum(masters, (p) => cpuOf(p).own), reaped: cpuOf('self').reaped };
  const sshd0 = treeCpu(sshds);
  const timer = setInterval(sample, SAMPLE_MS);
  sample();
  let ms: number;
  try {
    ms = await run();
  } finally {
    clearInterval(timer);
  }
  sample();
  const cost: Cost = {
    node: nodeCpu() - t0.node,
    master: sum(masters, (p) => cpuOf(p).own) - t0.master,
    children: cpuOf('self').reaped - t0.reaped,
    sshd: treeCpu(sshds) - sshd0,
    ...peak,
    rssNodeGrowth: peak.rssNode - rss0,
  };
  return { ms, cost };
};
