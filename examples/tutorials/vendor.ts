/**
 * Browser libraries of tutorials 8 and 10 (jQuery, React) come from the npm registry, as
 * development dependencies of this repository, and the sites serve them themselves: no page
 * loads anything from a CDN, so everything works offline. {@link npmFile} finds a file of an
 * installed package the way Node resolves packages: in the `node_modules` folder of the
 * example's folder or of the nearest folder above it that has one.
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** This folder's path (the sources' `examples/tutorials/`, or the npm build's). */
export const TUTORIALS_DIR: string = decodeURIComponent(new URL(".", import.meta.url).pathname);

/**
 * The absolute path of `file` in the installed npm package `pkg`, looked up from `from` upwards
 * (this folder by default). Throws, saying what to install, when the package is missing.
 */
export function npmFile(pkg: string, file: string, from: string = TUTORIALS_DIR): string {
  let dir = from.replace(/\/+$/, "");
  for (;;) {
    const candidate = `${dir}/node_modules/${pkg}/${file}`;
    if (cherrypy.platform.statSync(candidate)?.isFile) return candidate;
    const up = dir.slice(0, dir.lastIndexOf("/"));
    if (up === dir || dir === "") break;
    dir = up;
  }
  throw new Error(
    `${pkg}/${file} not found in any node_modules folder above ${from}: ` +
      `install the development dependencies first (npm ci, or npm install ${pkg}).`,
  );
}

/** `jquery.min.js` of the installed `jquery` package. */
export function jqueryPath(): string {
  return npmFile("jquery", "dist/jquery.min.js");
}
