/**
 * Child processes, shared by both platforms: `node:child_process` is built into Node and
 * implemented by Deno, detached sessions and file redirections included.
 *
 * @module
 */

import { spawn as nodeSpawn } from "node:child_process";
import process from "node:process";
import { closeSync, openSync } from "node:fs";
import type { ChildProcess, ChildStatus, SpawnOptions, StdioTarget } from "./types.ts";

function stdioOf(
  target: StdioTarget | undefined,
  fallback: StdioTarget,
  read: boolean,
  fds: number[],
) {
  const t = target ?? fallback;
  if (t === "inherit") return "inherit" as const;
  if (t === "null") return "ignore" as const;
  if (t === "pipe") return "pipe" as const;
  const fd = openSync(t.path, read ? "r" : t.append === false ? "w" : "a");
  fds.push(fd);
  return fd;
}

/** Starts a child process (see `Platform.spawn`). */
export function spawnChild(options: SpawnOptions): ChildProcess {
  const fds: number[] = [];
  let child;
  try {
    child = nodeSpawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      detached: options.detached === true,
      stdio: [
        stdioOf(options.stdin, "null", true, fds),
        stdioOf(options.stdout, "inherit", false, fds),
        stdioOf(options.stderr, "inherit", false, fds),
      ],
    });
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  const status = new Promise<ChildStatus>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  if (child.pid === undefined) {
    // The spawn failed (e.g. no such program); `status` rejects with the reason.
    status.catch(() => {});
  }
  return {
    pid: child.pid ?? -1,
    status,
    stdout: child.stdout,
    stderr: child.stderr,
    kill(signal = "SIGTERM") {
      child.kill(signal as NodeJS.Signals);
    },
    unref() {
      child.unref();
      for (const stream of [child.stdout, child.stderr]) {
        (stream as unknown as { unref?: () => void } | null)?.unref?.();
      }
    },
  };
}

/** `true` when a process with id `pid` exists (EPERM: it exists but is someone else's). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}
