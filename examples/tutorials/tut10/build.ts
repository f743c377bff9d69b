/**
 * Tutorial 10's build step (docs §3.10): compiles the JSX of `src/gen.jsx` ahead of time and
 * bundles it with React (from the npm registry) into one browser script, `public/js/gen.js`,
 * which the site serves. The docs compile the JSX in the browser with Babel and load React
 * 0.13 from a CDN; here nothing is fetched at run time, and React is the current one: React 19
 * ships no browser (UMD) build, so it is bundled (with esbuild, a development dependency).
 *
 *     deno run -A examples/tutorials/tut10/build.ts    # then run tut10.ts
 *
 * @module
 */
import * as esbuild from "esbuild";
import * as cherrypy from "../../../mod.ts";

/** This folder (the sources', or the npm build's). */
export const HERE: string = decodeURIComponent(new URL(".", import.meta.url).pathname);

/** Where the bundle goes by default: the site's static folder. */
export const GEN_JS: string = `${HERE}public/js/gen.js`;

/**
 * Bundles `src/gen.jsx` with React into `outfile` (minified, production React), written
 * atomically (a temporary file renamed into place). Resolves to `outfile`.
 */
export async function build(outfile: string = GEN_JS): Promise<string> {
  try {
    const result = await esbuild.build({
      entryPoints: [`${HERE}src/gen.jsx`],
      bundle: true,
      format: "iife",
      platform: "browser",
      target: "es2020",
      minify: true,
      write: false,
      logLevel: "silent",
      define: { "process.env.NODE_ENV": '"production"' },
      outfile,
    });
    const js = result.outputFiles.find((f) => f.path.endsWith(".js"));
    if (js === undefined) throw new Error("esbuild produced no JavaScript");
    await cherrypy.platform.makeDir(outfile.slice(0, outfile.lastIndexOf("/")), 0o755);
    const temporary = `${outfile}.${cherrypy.platform.pid()}.tmp`;
    await cherrypy.platform.writeFile(temporary, js.contents);
    await cherrypy.platform.rename(temporary, outfile);
    return outfile;
  } finally {
    await esbuild.stop();
  }
}

if (cherrypy.isMain(import.meta)) {
  console.log(`built ${await build()}`);
}
