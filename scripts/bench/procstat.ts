/**
 * What a server process uses, read from `/proc`: its resident memory and its CPU time, each
 * summed over the process and its descendants.
 *
 * @module
 */

/**
 * Resident memory of `pid` and all its descendants, in bytes (VmRSS); null when unknown.
 *
 * @example
 * ```ts
 * import { rssOfTree } from "./procstat.ts";
 * rssOfTree(Deno.pid); // e.g. 52_428_800
 * ```
 */
export function rssOfTree(pid: number): number | null {
  let status: string;
  try {
    status = Deno.readTextFileSync(`/proc/${pid}/status`);
  } catch {
    return null;
  }
  let total = Number(status.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1] ?? 0) * 1024;
  try {
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      const children = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/children`);
      for (const child of children.trim().split(/\s+/).filter(Boolean)) {
        total += rssOfTree(Number(child)) ?? 0;
      }
    }
  } catch {
    // no children file (old kernel) or the process is gone: the leader's RSS alone
  }
  return total;
}

let clockTicks: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`, 100 when unknown). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      const out = new Deno.Command("getconf", { args: ["CLK_TCK"], stderr: "null" }).outputSync();
      clockTicks = Number(new TextDecoder().decode(out.stdout).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * CPU time (user + system) used so far by `pid` and all its descendants, in seconds, from
 * `/proc/<pid>/stat`; null when unknown. Unlike wall-clock throughput, the CPU time a server
 * spends per request hardly changes when other work shares the machine.
 *
 * @example
 * ```ts
 * import { cpuSecondsOfTree } from "./procstat.ts";
 * cpuSecondsOfTree(Deno.pid); // e.g. 0.42
 * ```
 */
export function cpuSecondsOfTree(pid: number): number | null {
  let stat: string;
  try {
    stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  let total = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  try {
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      const children = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/children`);
      for (const child of children.trim().split(/\s+/).filter(Boolean)) {
        total += cpuSecondsOfTree(Number(child)) ?? 0;
      }
    }
  } catch {
    // no children file or the process is gone: the leader's time alone
  }
  return total;
}
