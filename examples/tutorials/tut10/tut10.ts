/**
 * Tutorial 10 (docs §3.10): make it a modern single-page application with React. Tutorial 9's
 * web service and database behind a page (`index.html`) that is only a `<div>` and a script:
 * the React application of `src/gen.jsx`, whose components call the service with jQuery's
 * `$.ajax` as the docs' do (POST to generate, PUT to replace, DELETE to delete).
 *
 *     deno run -A examples/tutorials/tut10/build.ts          # the JSX, bundled with React
 *     cd examples/tutorials/tut10 && deno run -A tut10.ts
 *
 * The docs load React 0.13 and Babel from a CDN and compile the JSX in the browser; here
 * `build.ts` compiles it ahead of time and bundles it with React 19 (which has no browser
 * build of its own) into `public/js/gen.js`, and the site serves it with jQuery (from the npm
 * registry, as in tutorial 8): nothing comes from the network. The docs' `React.createClass`
 * and `React.findDOMNode`, long gone from React, become classes and the events' targets.
 *
 * As in the docs, the page and `public/` are read from the current directory (run it from this
 * folder), and the database is `my.db` there.
 *
 * @twin §3.10 #1, §3.10 #2
 *
 * @module
 */
import * as cherrypy from "../../../mod.ts";
import { config as tut08Config, StringGenerator } from "../tut08/tut08.ts";
import { DB_STRING, StringGeneratorWebService, subscribeDatabase } from "../tut09/tut09.ts";

/**
 * The site's config (tutorial 8's), for the page and `public/` under `root`. `genJs`, when
 * given, serves that file at `/static/js/gen.js` instead of `public/js/gen.js`.
 */
export function config(root: string = cherrypy.platform.cwd(), genJs?: string): cherrypy.AppConfig {
  const conf = tut08Config(root);
  if (genJs !== undefined) {
    conf["/static/js/gen.js"] = {
      "tools.staticdir.on": false,
      "tools.staticfile.on": true,
      "tools.staticfile.filename": genJs,
    };
  }
  return conf;
}

/** The page with tutorial 9's web service at `/generator`. */
export function webapp(
  root: string = cherrypy.platform.cwd(),
  dbString: string = DB_STRING,
): StringGenerator {
  const app = new StringGenerator(root);
  app.generator = new StringGeneratorWebService(dbString);
  return app;
}

if (cherrypy.isMain(import.meta)) {
  const root = cherrypy.platform.cwd();
  if (!cherrypy.platform.statSync(`${root}/public/js/gen.js`)?.isFile) {
    console.error(
      `${root}/public/js/gen.js is missing: build it first (deno run -A build.ts), ` +
        "and run this program from its folder.",
    );
    cherrypy.platform.exit(1);
  }
  subscribeDatabase(cherrypy.engine);
  await cherrypy.quickstart(webapp(root), "/", config(root));
}
