/**
 * `Autoreloader`: restarts the process when the program's source files change.
 *
 * @module
 */

import type { Bus } from "../bus/mod.ts";
import { platform } from "../platform/mod.ts";
import { processState } from "./_state.ts";
import { Monitor } from "./monitor.ts";
import { priority } from "./simple_plugin.ts";

const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json)$/;
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".test-output"]);
const MAX_FILES = 5000;

/**
 * Polls the program's source files every `frequency` seconds and restarts the process
 * through the bus (`bus.restart()`) when one changes or disappears, logging
 * `Restarting because <file> changed.`
 *
 * JavaScript runtimes keep no list of loaded modules, so "the program's files" are the
 * source files (`.ts`, `.js`, `.mjs`, `.tsx`, `.json`, ...) in the main module's directory and
 * below it (skipping `node_modules` and hidden directories), whose absolute path matches
 * {@link Autoreloader.match}, plus everything added to {@link Autoreloader.files}.
 *
 * `engine.autoreload` is one, subscribed by default; switch it off with
 * `engine.autoreload.on: false` (the `production`, `staging` and `embedded` environments do).
 *
 * @example Watch a template directory too
 * ```ts
 * import { engine } from "../mod.ts";
 * engine.autoreload.files.add("/srv/site/templates/page.html");
 * engine.autoreload.match = "^/srv/site/"; // only the site's own files
 * ```
 */
export class Autoreloader extends Monitor {
  /** Extra files to watch. */
  files: Set<string> = new Set();
  /** The last modification time seen per file (`null`: did not exist). */
  readonly mtimes: Map<string, number | null> = new Map();
  /** A regular expression the watched files' paths must match. */
  match: string;

  /** Creates the reloader; call `subscribe()` to use it. */
  constructor(bus: Bus, frequency = 1, match = ".*") {
    super(bus, () => {}, frequency, "Autoreloader");
    this.callback = () => this.run();
    this.match = match;
  }

  /** Records the current state of the files, then starts polling. */
  override start(): void {
    if (processState.role === "worker") return; // the main process watches and replaces us
    if (this.thread === null) {
      this.mtimes.clear();
      for (const file of this.sysfiles()) this.mtimes.set(file, mtimeOf(file));
    }
    super.start();
  }

  /** The files watched: the program's source files plus {@link Autoreloader.files}. */
  sysfiles(): Set<string> {
    const found = new Set<string>();
    const re = new RegExp(this.match);
    const main = platform.mainModulePath();
    if (main !== undefined) {
      const root = main.slice(0, main.lastIndexOf("/")) || "/";
      const stack = [root];
      while (stack.length > 0 && found.size < MAX_FILES) {
        const dir = stack.pop()!;
        for (const [name, isDir] of platform.readDirSync(dir)) {
          const path = `${dir === "/" ? "" : dir}/${name}`;
          if (isDir) {
            if (!name.startsWith(".") && !SKIPPED_DIRS.has(name)) stack.push(path);
          } else if (SOURCE_FILE.test(name) && re.test(path)) {
            found.add(path);
          }
        }
      }
      if (main && re.test(main)) found.add(main);
    }
    for (const file of this.files) found.add(file);
    return found;
  }

  /** One poll: restart when a watched file changed or disappeared. */
  run(): void {
    for (const file of this.sysfiles()) {
      const mtime = mtimeOf(file);
      if (!this.mtimes.has(file)) {
        this.mtimes.set(file, mtime);
        continue;
      }
      const seen = this.mtimes.get(file)!;
      if (seen !== null && (mtime === null || mtime > seen)) {
        this.bus.log(`Restarting because ${file} changed.`);
        this.thread?.cancel();
        this.bus.log(`Stopped thread '${this.name}'.`);
        this.thread = null;
        if (processState.reload !== undefined) {
          // Worker processes run the program afresh: replace them, keep the port open.
          void processState.reload().then(() => this.start());
        } else {
          void this.bus.restart();
        }
        return;
      }
    }
  }
}
priority(70)(Autoreloader.prototype.start); // CherryPy's start.priority = 70

function mtimeOf(file: string): number | null {
  return platform.statSync(file)?.mtime?.getTime() ?? null;
}
