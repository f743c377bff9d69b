/**
 * `DropPrivileges`: gives up root after the server has bound its (low) port.
 *
 * @module
 */

import type { Bus } from "../bus/mod.ts";
import { platform } from "../platform/mod.ts";
import { processState } from "./_state.ts";
import { priority, SimplePlugin } from "./simple_plugin.ts";

/** Options of {@link DropPrivileges}. */
export interface DropPrivilegesOptions {
  /** The user to run as: a name (`"nobody"`) or a number. */
  uid?: string | number | null;
  /** The group to run as: a name (`"nogroup"`) or a number. */
  gid?: string | number | null;
  /** The file-creation mask to set (`0o022`). */
  umask?: number | null;
}

/** A user or group id from a name or number (a number absent from the database is kept). */
function resolveId(
  value: string | number | null,
  what: "user" | "group",
  lookup: (nameOrId: string | number) => number | undefined,
): number | null {
  if (value === null) return null;
  const id = lookup(value);
  if (id !== undefined) return id;
  if (typeof value === "number") return value;
  throw new Error(`DropPrivileges: no ${what} named '${value}' in the ${what} database.`);
}

const octal = (n: number) => n.toString(8).padStart(3, "0");

/**
 * At start, priority 77 (just after the HTTP server at 75, so a port below 1024 can be bound as
 * root first): clears the supplementary groups, sets the group, then the user, then the umask,
 * and logs what it did. Names are resolved from the system's user and group databases.
 * When the runtime cannot do every step, it refuses before changing anything.
 *
 * @example Serve on port 80, then run as nobody
 * ```ts
 * import { config, DropPrivileges, engine } from "../mod.ts";
 * config.update({ "server.socket_port": 80 });
 * new DropPrivileges(engine, { uid: "nobody", gid: "nogroup", umask: 0o022 }).subscribe();
 * ```
 */
export class DropPrivileges extends SimplePlugin {
  /** The user to become. */
  uid: string | number | null;
  /** The group to become. */
  gid: string | number | null;
  /** The umask to set. */
  umask: number | null;
  /** `true` once privileges were dropped. */
  finalized = false;

  /** Creates the plugin for `bus`; call `subscribe()` to use it. */
  constructor(bus: Bus, options: DropPrivilegesOptions = {}) {
    super(bus);
    this.uid = options.uid ?? null;
    this.gid = options.gid ?? null;
    this.umask = options.umask ?? null;
  }

  #currentIds(): string {
    const user = platform.lookupUser(platform.getuid())?.name ?? String(platform.getuid());
    const group = platform.lookupGroup(platform.getgid())?.name ?? String(platform.getgid());
    return `uid: '${user}' gid: '${group}'`;
  }

  /** Drops the privileges (once). */
  start(): void {
    if (processState.role === "main") {
      // The workers drop them; the main process keeps them to start replacements that bind.
      this.bus.log("Privileges are dropped by each worker; the main process keeps its own.");
      return;
    }
    if (this.finalized) {
      if (this.uid !== null || this.gid !== null) {
        this.bus.log(`Already running as ${this.#currentIds()}`);
      }
      if (this.umask !== null) this.bus.log(`umask already set to: ${octal(this.umask)}`);
      return;
    }
    if (this.uid === null && this.gid === null) {
      this.bus.log("uid/gid not set", 30);
    } else {
      // Resolve and check everything first: never drop halfway.
      const uid = resolveId(this.uid, "user", (x) => platform.lookupUser(x)?.uid);
      const gid = resolveId(this.gid, "group", (x) => platform.lookupGroup(x)?.gid);
      platform.assertCanDropPrivileges();
      if (platform.getuid() !== 0 && (uid !== platform.getuid() || gid !== null)) {
        throw new Error(
          `DropPrivileges: changing user or groups needs root (uid 0); this process runs as ` +
            `uid ${platform.getuid()}. Start it as root, or remove the DropPrivileges plugin.`,
        );
      }
      this.bus.log(`Started as ${this.#currentIds()}`);
      platform.setgroups([]);
      if (gid !== null) platform.setgid(gid);
      if (uid !== null) platform.setuid(uid);
      this.bus.log(`Running as ${this.#currentIds()}`);
    }
    if (this.umask === null) {
      this.bus.log("umask not set", 30);
    } else {
      const old = platform.umask(this.umask);
      this.bus.log(`umask old: ${octal(old)}, new: ${octal(this.umask)}`);
    }
    this.finalized = true;
  }
}
priority(77)(DropPrivileges.prototype.start); // CherryPy's start.priority = 77
