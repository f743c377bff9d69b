/**
 * Tutorial 1 built to be deployed as one executable file, with its port from the environment.
 *
 *     bun build --compile examples/deploy/single_binary.ts --outfile site   # Bun
 *     deno compile -A -o site examples/deploy/single_binary.ts              # Deno (needs denort)
 *     PORT=8080 ./site
 *
 * The binary holds the runtime and every module: the machine it runs on needs no Deno, Node or
 * Bun. Compile the module that starts the site: in a Bun-compiled binary every module shares the
 * entry's `import.meta`, so `isMain(import.meta)` is true in each of them and modules it imports
 * must not start a site of their own. `scripts/check_binary.ts` builds and runs this example.
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The application: `/` answers "Hello world!". */
export class HelloWorld {
  /** The page at `/`. */
  @cherrypy.expose
  index(): string {
    return "Hello world!";
  }
}

if (cherrypy.isMain(import.meta)) {
  cherrypy.config.update({
    "server.socket_port": Number(cherrypy.platform.getEnv("PORT") ?? "8080"),
    // No source files to watch in a binary.
    "engine.autoreload.on": false,
  });
  await cherrypy.quickstart(new HelloWorld());
}
