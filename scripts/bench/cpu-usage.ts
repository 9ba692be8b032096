// Where the machine's CPU time goes during a load run, read from Linux's /proc:
// the app server, the payment sandbox, PostgreSQL (every `postgres` process),
// and the benchmark itself (the load generator, or the pg client of the
// ceiling). Divided by the requests served, it tells what
// one checkout or settlement costs each process. Elsewhere than Linux every
// figure is NaN and the report prints a dash.
import { execFileSync } from "node:child_process";
import fs from "node:fs";

export interface CpuSample {
  app: number;
  sandbox: number;
  postgres: number;
  bench: number;
}

export type CpuCost = CpuSample;

const available = fs.existsSync("/proc/stat");

const ticksPerSecond = (() => {
  if (!available) return 100;
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();
const msPerTick = 1000 / ticksPerSecond;

interface ProcessInfo {
  pid: number;
  ppid: number;
  command: string;
  name: string;
  ms: number;
  /** CPU of its children that have exited and been waited for (cutime + cstime). */
  reapedMs: number;
}

function processes(): ProcessInfo[] {
  const list: ProcessInfo[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // The name is in parentheses and may hold spaces: the fields follow the last ")".
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const command = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      // fields[1] is the parent pid; fields[11] and fields[12] are user and system time in ticks,
      // fields[13] and fields[14] the same for its children that exited.
      list.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        name,
        command,
        ms: (Number(fields[11]) + Number(fields[12])) * msPerTick,
        reapedMs: (Number(fields[13]) + Number(fields[14])) * msPerTick,
      });
    } catch {
      /* the process ended while being read */
    }
  }
  return list;
}

/** CPU time used so far by each part; `appRoot` is the pid of scripts/start.mjs (the app and sandbox are below it). */
export function sampleCpu(appRoot: number | undefined): CpuSample {
  if (!available) return { app: NaN, sandbox: NaN, postgres: NaN, bench: NaN };
  const all = processes();
  const below = new Set<number>(appRoot ? [appRoot] : []);
  // Parents are listed before their children often but not always: repeat until nothing is added.
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!below.has(p.pid) && below.has(p.ppid)) {
        below.add(p.pid);
        grew = true;
      }
    }
  }
  const sample: CpuSample = { app: 0, sandbox: 0, postgres: 0, bench: 0 };
  const postgresPids = new Set(all.filter((p) => p.name === "postgres").map((p) => p.pid));
  for (const p of all) {
    if (p.pid === process.pid) sample.bench += p.ms;
    else if (p.name === "postgres") {
      // A backend that exits between two samples is gone from /proc; its time
      // moves to its parent's reaped time, so the postmaster's counts too.
      sample.postgres += p.ms + (postgresPids.has(p.ppid) ? 0 : p.reapedMs);
    }
    else if (below.has(p.pid) && p.pid !== appRoot) {
      if (p.command.includes("@remix-run/serve")) sample.app += p.ms;
      else sample.sandbox += p.ms;
    }
  }
  return sample;
}

/** Milliseconds of CPU per request between two samples. */
export function costPer(before: CpuSample, after: CpuSample, requests: number): CpuCost {
  const per = (key: keyof CpuSample) => (requests > 0 ? (after[key] - before[key]) / requests : NaN);
  return { app: per("app"), sandbox: per("sandbox"), postgres: per("postgres"), bench: per("bench") };
}
