/**
 * The command lines and environments of the benchmark's targets (shared by `targets.ts` and
 * `targets_h2.ts`).
 *
 * @module
 */

import type { TargetContext } from "./targets.ts";

/** The TLS files a target of the `h2` group reads. */
export function tlsEnv(c: TargetContext): Record<string, string> {
  return c.tls === null ? {} : { BENCH_TLS_CERT: c.tls.cert, BENCH_TLS_KEY: c.tls.key };
}

/** `deno run -A [profiler flags] <script> <port>`. */
export function denoRun(c: TargetContext, script: string): string[] {
  const prof = c.profileDir === null
    ? []
    : ["--cpu-prof", `--cpu-prof-dir=${c.profileDir}`, `--cpu-prof-name=${c.profileName}`];
  return [c.deno, "run", "-A", ...prof, `${c.servers}/${script}`, String(c.port)];
}

/** `node [profiler flags] <script> <port>`. */
export function nodeRun(c: TargetContext, script: string): string[] {
  const prof = c.profileDir === null
    ? []
    : ["--cpu-prof", `--cpu-prof-dir=${c.profileDir}`, `--cpu-prof-name=${c.profileName}`];
  return [c.node, ...prof, `${c.servers}/${script}`, String(c.port)];
}
