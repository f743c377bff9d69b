/**
 * The programs the deployment tests run a site under (nginx, Apache's httpd, supervisord,
 * systemd's socket activation): finds them (or
 * installs them with `scripts/install_deploy_servers.sh`), and says in one line why the tests
 * that need them are skipped when they cannot be had. No test uses a running service: each
 * starts its own, with a generated config in a temporary directory.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The deployment programs. */
export type DeployProgram =
  | "nginx"
  | "supervisord"
  | "supervisorctl"
  | "systemd-socket-activate"
  | "apache2";

const PACKAGE: Record<DeployProgram, string> = {
  nginx: "nginx",
  supervisord: "supervisor",
  supervisorctl: "supervisor",
  "systemd-socket-activate": "systemd",
  apache2: "apache2-bin",
};

/** The path of `name`: on the PATH, or in /usr/sbin (nginx's place on Debian); null if absent. */
export function programPath(name: DeployProgram): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  if (r.status === 0) return r.stdout.trim();
  for (const dir of ["/usr/sbin", "/usr/local/sbin", "/usr/bin"]) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** The repository's installer script (from the sources, or from the npm build in `npm/`). */
function installer(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const path = join(dir, "scripts", "install_deploy_servers.sh");
    if (existsSync(path)) return path;
    dir = dirname(dir);
  }
  return null;
}

const checked = new Map<DeployProgram, string | false>();

/**
 * `false` when `name` is installed (installing it first when missing); otherwise the reason
 * the tests that need it are skipped, printed once as one line.
 */
export function deployMissing(name: DeployProgram): string | false {
  const known = checked.get(name);
  if (known !== undefined) return known;
  let result: string | false = false;
  if (programPath(name) === null) {
    const script = installer();
    if (script !== null) spawnSync("bash", [script], { stdio: ["ignore", "ignore", "inherit"] });
    if (programPath(name) === null) {
      result = `skipped: ${name} is not installed and could not be installed ` +
        `(apt-get install ${PACKAGE[name]}, or scripts/install_deploy_servers.sh as root)`;
      console.log(result);
    }
  }
  checked.set(name, result);
  return result;
}
