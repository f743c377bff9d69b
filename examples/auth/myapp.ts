/**
 * The application the authentication examples protect (the docs' `myapp`): `/` and
 * `/protected/` are public, `/protected/area/` greets the user the auth tool logged in.
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The protected area. */
export class Area {
  /** `/protected/area/`: only for logged-in users. */
  @cherrypy.expose
  index(): string {
    return `Hello ${cherrypy.request.login}, this is the protected area.`;
  }
}

/** `/protected/`: public, as the rest of the site. */
export class Protected {
  /** The protected area. */
  area: Area = new Area();
  /** `/protected/`. */
  @cherrypy.expose
  index(): string {
    return "Public. The protected area is at area/.";
  }
}

/** The application (the docs' `myapp`). */
export class MyApp {
  /** `/protected/`. */
  "protected": Protected = new Protected();
  /** `/`. */
  @cherrypy.expose
  index(): string {
    return "Public. See protected/area/.";
  }
}
