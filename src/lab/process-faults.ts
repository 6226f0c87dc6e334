/**
 * Process faults of the embedded lab (lab.faults `host.X=sigkill|sigstop`,
 * `fabric=...`, ./faults.ts): the harness says when (a step), the lab says
 * which process: it knows where the VNF runs and where it is going.
 */
import type { LabFault } from './faults.js';
import type { Vim } from './vim/vim.js';

export type ProcessFault = Extract<LabFault, { kind: 'process' }>;

/** What the lab runs, by OS pid (the process lab; a QEMU lab has none to give). */
export interface LabProcesses {
  readonly fabricPid: number | null;
  readonly hostPids: ReadonlyMap<string, number>;
}

/** Which compute host a fault names, now: null when it names none (no VNF yet, no such host). */
export async function faultHostName(
  fault: ProcessFault,
  vim: Vim,
  hostNames: readonly string[],
): Promise<string | null> {
  if (fault.target === 'fabric') return null;
  const { host } = fault.target;
  if (typeof host === 'number') return hostNames[host - 1] ?? null;
  const [server] = await vim.listServers();
  if (server === undefined) return null;
  if (host === 'source') return server.host;
  // Where it is going: a migration in progress says; otherwise the first other host.
  const moving = (await vim.listMigrations({ serverId: server.id })).find((m) =>
    ['queued', 'preparing', 'running'].includes(m.status),
  );
  return moving?.destHost ?? hostNames.find((name) => name !== server.host) ?? null;
}

/**
 * Send the fault's signal to its process. Returns what was done, for the
 * lab's log and the harness's, or why nothing was.
 */
export async function injectProcessFault(
  fault: ProcessFault,
  vim: Vim,
  processes: LabProcesses,
): Promise<string> {
  let name = 'the fabric';
  let pid = processes.fabricPid;
  if (fault.target !== 'fabric') {
    const host = await faultHostName(fault, vim, [...processes.hostPids.keys()]);
    if (host === null) return `fault ${fault.spec}: no such host now (no VNF yet?): nothing done`;
    name = `host ${host}`;
    pid = processes.hostPids.get(host) ?? null;
  }
  if (pid === null) return `fault ${fault.spec}: ${name} is not a process of its own here: nothing done`;
  try {
    process.kill(pid, fault.signal);
  } catch (err) {
    return `fault ${fault.spec}: ${fault.signal} to ${name} (pid ${pid}) failed: ${(err as Error).message}`;
  }
  if (fault.freezeMs === undefined)
    return `fault ${fault.spec}: ${fault.signal} sent to ${name} (pid ${pid})`;
  const frozen = pid;
  setTimeout(() => {
    try {
      process.kill(frozen, 'SIGCONT');
    } catch {
      // Gone meanwhile (the lab stopped): nothing to wake.
    }
  }, fault.freezeMs);
  return `fault ${fault.spec}: SIGSTOP sent to ${name} (pid ${pid}), SIGCONT in ${fault.freezeMs} ms`;
}
