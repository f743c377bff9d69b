/**
 * `DropPrivileges`: gives up root after the server has bound its (low) port.
 *
 * @module
 */

import type { Bus } from "../bus/mod.ts";
import { platform } from "../platform/mod.ts";
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

  #resolveUid(): number | null {
    if (this.uid === null) return null;
    const entry = platform.lookupUser(this.uid);
    if (entry === null) {
      if (typeof this.uid === "number") return this.uid;
      throw new Error(`DropPrivileges: no user named '${this.uid}' in the user database.`);
    }
    return entry.uid;
  }

  #resolveGid(): number | null {
    if (this.gid === null) return null;
    const entry = platform.lookupGroup(this.gid);
    if (entry === null) {
      if (typeof this.gid === "number") return this.gid;
      throw new Error(`DropPrivileges: no group named '${this.gid}' in the group database.`);
    }
    return entry.gid;
  }

  /** Drops the privileges (once). */
  @priority(77)
  start(): void {
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
      const uid = this.#resolveUid();
      const gid = this.#resolveGid();
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
