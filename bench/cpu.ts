// The machine may be shared (tests or builds running beside the bench). Figures taken while something
// else burns CPU are not comparable, so each run waits for a quiet machine first, and reports how much
// CPU went to processes other than the bench, the server and (for PostgreSQL) the database.
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const HZ = 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux

/** CPU-seconds all cores spent busy since boot. */
function machineBusy(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / HZ;
}

/** CPU-seconds a process has used (user + system), 0 when it is gone. */
function processCpu(pid: number | 'self'): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / HZ;
  } catch {
    return 0;
  }
}

function postgresPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      try {
        return readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/**
 * Starts counting; `stop()` gives the average number of cores used by other processes meanwhile. Our
 * processes are counted by their own CPU time, each by what it used during the run: a process that
 * ends meanwhile (an idle PostgreSQL backend closed by its pool) must not take its past CPU with it.
 */
export function otherLoad(pids: number[], includePostgres: boolean) {
  const ours = () => {
    const all: (number | 'self')[] = ['self', ...pids, ...(includePostgres ? postgresPids() : [])];
    return new Map(all.map((pid) => [pid, processCpu(pid)]));
  };
  const start = { at: performance.now(), busy: machineBusy(), ours: ours() };
  return {
    stop(): number {
      const seconds = (performance.now() - start.at) / 1000;
      let used = 0;
      for (const [pid, cpu] of ours()) if (cpu > 0) used += cpu - (start.ours.get(pid) ?? 0);
      const foreign = machineBusy() - start.busy - used;
      return Math.max(0, Math.round((foreign / seconds) * 100) / 100);
    },
  };
}

/**
 * Waits (at most `patienceSeconds`) until, over one second, the machine's busy time is under `maxCores`
 * while the bench itself is idle; returns the load it settled for.
 */
export async function waitQuiet(maxCores = 0.2, patienceSeconds = 60): Promise<number> {
  let load = Infinity;
  for (let waited = 0; waited < patienceSeconds; waited++) {
    const before = machineBusy();
    await sleep(1000);
    load = machineBusy() - before;
    if (load < maxCores) break;
  }
  return Math.round(load * 100) / 100;
}

/** The processes whose parent is `pid` (a cluster primary's workers). */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** Starts counting the CPU of each of `pids` (and of the bench itself, `self`); `stop()` gives each one's cores on average. */
export function cpuOf(pids: number[]) {
  const all: (number | 'self')[] = ['self', ...pids];
  const start = { at: performance.now(), cpu: all.map(processCpu) };
  return {
    stop(): { pid: number | 'self'; cores: number }[] {
      const seconds = (performance.now() - start.at) / 1000;
      return all.map((pid, i) => ({ pid, cores: Math.round(((processCpu(pid) - start.cpu[i]!) / seconds) * 100) / 100 }));
    },
  };
}
