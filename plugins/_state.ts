/**
 * Process-wide facts the plugins share.
 *
 * @module
 */

/** What plugins have done to this process, and what it is. */
export const processState: {
  /** A Daemonizer made this process a daemon. */
  daemonized: boolean;
  /**
   * `"single"`: this process serves; `"main"`: it supervises worker processes that serve;
   * `"worker"`: it is one of them (see `Workers`).
   */
  role: "single" | "main" | "worker";
  /**
   * Set while worker processes run: replaces them one by one (what SIGHUP and the
   * autoreloader do in the main process, instead of re-executing it).
   */
  reload: (() => Promise<void>) | undefined;
} = { daemonized: false, role: "single", reload: undefined };
