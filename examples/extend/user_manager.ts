/**
 * Request parameters manipulation (docs §7.2.3): a tool that turns the `user_id` query
 * parameter into a user object before the page handler is called.
 *
 *     deno run -A examples/extend/user_manager.ts
 *     curl 'http://127.0.0.1:8080/?user_id=1'      # hello Ada
 *
 * `UserManager` runs at `before_handler` with priority 10, before the handler is called with
 * the parameters: it removes `user_id` and adds `user`. The docs assume "a db session
 * attached to the request somehow"; here the `dbsession` tool attaches one (a small
 * in-memory store) at `on_start_resource`.
 *
 * @twin §7.2.3 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** A user. */
export interface User {
  /** The user's name. */
  readonly name: string;
}

/** A stand-in for a database session: users by id. */
export class UserStore {
  /** The users, by id. */
  readonly users: Map<number, User>;

  /** Creates the store holding `users`. */
  constructor(users: Map<number, User>) {
    this.users = users;
  }

  /** The user with `id`; 404 when there is none. */
  get(id: number): User {
    const user = this.users.get(id);
    if (user === undefined) throw new cherrypy.HTTPError(404, `There is no user #${id}.`);
    return user;
  }
}

/** The store the `dbsession` tool attaches to each request. */
export const store: UserStore = new UserStore(
  new Map([[1, { name: "Ada" }], [2, { name: "Grace" }]]),
);

/** Attaches the database session to the request (`cherrypy.request.db`). */
cherrypy.tools.dbsession = new cherrypy.Tool("on_start_resource", () => {
  cherrypy.request.db = store;
});

/** Replaces the `user_id` parameter by the user it names. */
export class UserManager extends cherrypy.Tool {
  /** Creates the tool (hooked at `before_handler`, priority 10). */
  constructor() {
    super("before_handler", function (this: cherrypy.Tool) {
      (this as UserManager).load();
    }, { priority: 10 });
  }

  /** Loads the user. */
  load(): void {
    const req = cherrypy.request;
    const db = req.db as UserStore;
    const userId = req.params["user_id"];
    delete req.params["user_id"];
    req.params["user"] = db.get(Number(userId)) as never;
  }
}

cherrypy.tools.user = new UserManager();

/** The application. */
export class Root {
  /** `/?user_id=1`: greets the user. */
  @cherrypy.expose
  @cherrypy.tools.dbsession()
  @cherrypy.tools.user()
  index(user: User): string {
    return `hello ${user.name}`;
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root());
}
