/**
 * Helpers of the reverse-proxy tests: instances of `examples/deploy/nginx_cluster.ts` started
 * on this runtime, a session followed through a proxy, and load kept up through a proxy while
 * one instance is killed and started again.
 *
 * @module
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  eventually,
  freePort,
  type Program,
  runCommand,
  runtimeCommand,
  scriptPath,
  tryGet,
} from "./_helpers.ts";
import { programPath } from "./_deploy.ts";

/** A machine of a LAN made by `examples/deploy/netns/lan.sh`: the namespace `<lan>-<index>`. */
export interface Machine {
  /** The LAN's name (`lan.sh up NAME ...`). */
  lan: string;
  /** The machine's number, from 1. */
  index: number;
  /** Its address on the LAN. */
  host: string;
}

/** The LAN script (`examples/deploy/netns/lan.sh`), found from the sources or the npm build. */
export function lanScript(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const path = join(dir, "examples", "deploy", "netns", "lan.sh");
    if (existsSync(path)) return path;
    dir = dirname(dir);
  }
  throw new Error("examples/deploy/netns/lan.sh not found");
}

/**
 * Starts one instance on `port`, its sessions in `store` (`memcached`, `redis`) at `where`:
 * on 127.0.0.1, or on `machine` (in its network namespace, listening on its address).
 */
export async function startInstance(
  port: number,
  store: string,
  where: string,
  machine?: Machine,
): Promise<Program> {
  const [cmd, args] = runtimeCommand(scriptPath("examples/deploy/nginx_cluster"));
  const env = {
    HOST: machine?.host ?? "127.0.0.1",
    PORT: String(port),
    SESSION_STORE: store,
    ...(store === "redis" ? { SESSION_URL: where } : { SESSION_SERVERS: where }),
  };
  const program = machine === undefined
    ? runCommand(cmd, args, env)
    : runCommand("sh", [lanScript(), "run", machine.lan, String(machine.index), cmd, ...args], env);
  const host = (machine?.host ?? "127.0.0.1").replaceAll(".", "\\.");
  // (Generous: on a busy machine a runtime may take long to start.)
  await program.waitFor(new RegExp(`Serving on http://${host}:${port}`), 45_000);
  return program;
}

/**
 * Starts one instance per port of `ports` (on `machines[i]` when given), all at once. When one
 * fails, those started are killed before the error is thrown, so that none outlives the test
 * and holds its process open. A port another process took between being picked and bound is
 * picked again, in `ports` itself (on the host only: a machine's port is its own).
 */
export async function startInstances(
  ports: number[],
  store: string,
  where: string,
  machines?: readonly Machine[],
): Promise<Program[]> {
  const settled = await Promise.allSettled(ports.map(async (_, i) => {
    for (let attempt = 1;; attempt++) {
      try {
        return await startInstance(ports[i]!, store, where, machines?.[i]);
      } catch (e) {
        const taken = /Port \d+ not free/.test(String((e as Error).message));
        if (!taken || machines !== undefined || attempt === 3) throw e;
        ports[i] = await freePort();
      }
    }
  }));
  const started = settled.flatMap((r) => r.status === "fulfilled" ? [r.value] : []);
  const failed = settled.find((r) => r.status === "rejected");
  if (failed !== undefined) {
    await Promise.all(started.map(killProgram));
    throw (failed as PromiseRejectedResult).reason;
  }
  return started;
}

/**
 * Starts Debian's nginx in the foreground with the config `conf` (its prefix `dir`), and waits
 * until `base` answers `/whoami` through it (its standard error in the error otherwise).
 */
export async function startNginx(dir: string, conf: string, base: string): Promise<Program> {
  const nginx = runCommand(programPath("nginx")!, ["-p", dir, "-c", conf, "-e", "stderr"]);
  await eventually(() => tryGet(`${base}/whoami`), 10_000, `nginx on ${base}`).catch((e) => {
    throw new Error(`${e.message}:\n${nginx.stderr()}`);
  });
  return nginx;
}

/**
 * Tears a proxied cluster down: nginx stopped (SIGTERM), the instances killed, the store
 * stopped and nginx's directory removed; whatever was started, even when a `before` failed.
 */
export async function stopCluster(
  nginx: Program | undefined,
  instances: Program[],
  store: { stop(): Promise<void> } | undefined,
  dir: string | undefined,
): Promise<void> {
  nginx?.signal("SIGTERM");
  await nginx?.exited;
  await Promise.all(instances.map(killProgram));
  await store?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

/** Kills `program` (when there is one) and waits for it to end. */
export async function killProgram(program: Program | undefined): Promise<void> {
  if (program === undefined) return;
  program.signal("SIGKILL");
  await program.exited;
}

function cookieOf(res: Response): string | undefined {
  return res.headers.getSetCookie()[0]?.split(";", 1)[0];
}

/** How {@link killUnderLoad} stops the instance, and what its clients do. */
export interface LoadOptions {
  /** SIGKILL (a crash, the default) or SIGTERM (a graceful stop, its requests drained). */
  signal?: "SIGKILL" | "SIGTERM";
  /**
   * How many requests may fail (default 0): a proxy that does not send a request in flight on
   * the stopped instance elsewhere fails it, at most one per client.
   */
  tolerate?: number;
}

/**
 * Visits `base`'s `/` `times` times with one session; asserts the count goes 1, 2, 3, ...
 * and returns the instances that answered (`host:port`).
 */
export async function followSession(base: string, times: number): Promise<Set<string>> {
  let cookie = "";
  const served = new Set<string>();
  for (let i = 1; i <= times; i++) {
    const res = await fetch(`${base}/`, cookie ? { headers: { Cookie: cookie } } : {});
    cookie ||= cookieOf(res)!;
    const [count, , instance] = (await res.text()).split(" ");
    assert.equal(Number(count), i, "the visits of one session, whichever instance answers");
    served.add(instance!);
  }
  return served;
}

/**
 * Three clients, each with its own session, visit `base`'s `/` back to back; after 30
 * requests `instances[victim]` is stopped with `signal` (SIGKILL: a crash; SIGTERM: a
 * graceful stop, its requests drained), 60 requests later started again on its port, and the
 * load goes on until the proxy sends it requests again. Asserts that no request failed (or no
 * more than `tolerate`) and that every session's count went up by one per answered request (by
 * two at most once in a while: a request cut off by the kill may have been counted before it
 * failed or the proxy sent it to another instance). Returns how many requests were made, and
 * the failures.
 */
export async function killUnderLoad(
  base: string,
  instances: Program[],
  names: string[],
  victim: number,
  restart: () => Promise<Program>,
  options: LoadOptions = {},
): Promise<{ requests: number; failures: string[] }> {
  const signal = options.signal ?? "SIGKILL";
  let stop = false;
  let done = 0;
  const failures: string[] = [];
  const servedBy: string[] = [];
  const client = async () => {
    let cookie = "";
    const counts: number[] = [];
    while (!stop) {
      try {
        const res = await fetch(`${base}/`, cookie ? { headers: { Cookie: cookie } } : {});
        const text = await res.text();
        if (res.status !== 200) failures.push(`${res.status} ${text.slice(0, 200)}`);
        else {
          cookie ||= cookieOf(res)!;
          counts.push(Number(text.split(" ")[0]));
          servedBy.push(text.split(" ")[2]!);
        }
      } catch (e) {
        failures.push(`${e} (${(e as { cause?: unknown }).cause ?? "no cause"})`);
      }
      done++;
      await new Promise((r) => setTimeout(r, 2));
    }
    return counts;
  };
  const clients = [client(), client(), client()];
  const reach = (n: number) => eventually(() => done >= n || undefined, 20_000, `${n} requests`);
  try {
    await reach(30);
    instances[victim]!.signal(signal);
    await instances[victim]!.exited;
    const killedAt = servedBy.length;
    await reach(done + 60);
    instances[victim] = await restart();
    // The proxy leaves a failed instance out for 2 s, then tries it again.
    await eventually(
      () => servedBy.slice(killedAt).includes(names[victim]!) || undefined,
      15_000,
      "the restarted instance to serve again",
    );
  } finally {
    stop = true;
  }
  const results = await Promise.all(clients);
  assert.ok(
    failures.length <= (options.tolerate ?? 0),
    `${failures.length} of ${done} requests failed:\n${failures.join("\n")}`,
  );
  for (const counts of results) {
    assert.equal(counts[0], 1);
    for (let i = 1; i < counts.length; i++) {
      const step = counts[i]! - counts[i - 1]!;
      assert.ok(step === 1 || step === 2, `counts ${counts.join(",")}: a lost session`);
    }
  }
  return { requests: done, failures };
}

/** The body of the first fenced block of `kind` in docs/deploy.md, without `drop` lines. */
export function docsBlock(kind: string, drop: RegExp): string {
  const doc = readFileSync(new URL("../docs/deploy.md", import.meta.url), "utf8");
  const body = doc.match(new RegExp("```" + kind + "\\n([\\s\\S]*?)```"))![1]!;
  return body.split("\n").filter((line) => !drop.test(line)).join("\n").trim();
}
