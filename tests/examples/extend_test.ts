import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { Cart, DatabasePlugin, ECommerce, SQLiteDB } from "../../examples/extend/db_plugin.ts";
import { logit, Root as LogitRoot } from "../../examples/extend/logit.ts";
import { Root as TimedRoot, TimingTool } from "../../examples/extend/timing_tool.ts";
import { mountApp, newauthtools, Root as NewauthRoot } from "../../examples/extend/newauth.ts";
import { Root as UserRoot, UserManager } from "../../examples/extend/user_manager.ts";
import { privateSite as site, quietly, recordingBus, runProgram } from "../_helpers.ts";

test("DatabasePlugin (§7.1): listens on db-save while the bus runs", async () => {
  const { bus, messages } = recordingBus();
  const plugin = new DatabasePlugin(bus, SQLiteDB);
  plugin.subscribe();
  await bus.publish("db-save", "too early");
  await bus.start();
  await bus.publish("db-save", new Cart("apple,pear"));
  await bus.stop();
  await bus.publish("db-save", "too late");
  const db = plugin.db as SQLiteDB;
  assert.deepEqual(db.saved, [new Cart("apple,pear")]);
  const lines = messages();
  assert.ok(lines.indexOf("Starting up DB access") > lines.indexOf("Bus STARTING"));
  assert.ok(lines.indexOf("Stopping down DB access") > lines.indexOf("Bus STOPPING"));
  plugin.unsubscribe();
  assert.equal(bus.listenersOf("start").length, 0);
  await bus.exit();
});

test("DatabasePlugin (§7.1): the page handler publishes the cart on the engine", async () => {
  const { tree, web } = site();
  tree.mount(new ECommerce());
  await web.getPage("/save_kart?cart_data=apple,pear");
  web.assertBody("Nobody saved the cart");
  const plugin = new DatabasePlugin(cherrypy.engine, SQLiteDB);
  plugin.subscribe();
  await quietly(async () => {
    try {
      plugin.start(); // what the engine's "start" does
      await web.getPage("/save_kart?cart_data=apple,pear,plum");
      web.assertBody("Saved 3 items");
      assert.deepEqual((plugin.db as SQLiteDB).saved, [new Cart("apple,pear,plum")]);
    } finally {
      plugin.stop();
      plugin.unsubscribe();
    }
  });
  assert.equal(cherrypy.engine.listenersOf("db-save").length, 0);
});

test("server.unsubscribe() (§7.1.2): the engine starts without serving", async () => {
  const prog = runProgram("examples/extend/no_server");
  try {
    await prog.waitFor(/ENGINE Bus STARTED\n/);
    const stderr = prog.stderr();
    for (
      const line of [
        "ENGINE Listening for SIGHUP.",
        "ENGINE Listening for SIGTERM.",
        "ENGINE Listening for SIGUSR1.",
        "ENGINE Bus STARTING",
      ]
    ) assert.ok(stderr.includes(line), `missing ${line} in:\n${stderr}`);
    assert.doesNotMatch(stderr, /Serving on/);
    prog.signal("SIGTERM");
    assert.equal(await prog.exited, 0, prog.stderr());
    assert.doesNotMatch(prog.stderr(), /Serving on|shut down/);
  } finally {
    if (prog.child.exitCode === null) prog.signal("SIGKILL");
  }
});

test("logit (§7.2.2): a registered tool runs where it is switched on", async () => {
  assert.equal(cherrypy.tools.logit, logit);
  assert.equal(logit._point, "before_finalize");
  const { tree, web } = site();
  tree.mount(new LogitRoot());
  const printed: unknown[] = [];
  const print = console.log;
  console.log = (...args: unknown[]) => void printed.push(...args);
  try {
    await web.getPage("/");
    web.assertBody("hello world");
    await web.getPage("/quiet");
    web.assertBody("hello quietly");
  } finally {
    console.log = print;
  }
  assert.deepEqual(printed, ["127.0.0.1"]);
});

test("logit (§7.2.2): a Tool made by hand, named by the toolbox property", async () => {
  const toolbox = new cherrypy.Toolbox("tools");
  for (const name of cherrypy.tools.names()) toolbox[name] = cherrypy.tools[name];
  const seen: string[] = [];
  toolbox.whoami = new cherrypy.Tool("before_finalize", function logit() {
    seen.push(cherrypy.request.remote.ip);
  });
  const { tree, web } = site();
  tree.mount({ index: cherrypy.expose(() => "hi") }, "", { "/": { "tools.whoami.on": true } })
    .toolboxes["tools"] = toolbox;
  await web.getPage("/");
  assert.deepEqual(seen, ["127.0.0.1"]);
});

test("TimingTool (§7.2.2): a stateful tool logs how long the handler took", async () => {
  assert.ok(cherrypy.tools.timeit instanceof TimingTool);
  const { tree, web, errors } = site();
  tree.mount(new TimedRoot());
  await web.getPage("/");
  web.assertBody("hello world");
  await web.getPage("/slow?ms=150");
  web.assertBody("hello slowly");
  const timings = errors.filter((l) => l.includes("Page handler took"));
  assert.equal(timings.length, 2, errors.join("\n"));
  for (const line of timings) assert.match(line, /\] {2}Page handler took \d+\.\d{4}$/);
  // The second hook really ran after the handler: the slow page took at least 0.1 s.
  const slow = Number(/took (\S+)$/.exec(timings[1]!)![1]);
  assert.ok(slow >= 0.1, `${slow}`);
});

test("newauth (§7.2.2): a toolbox of one's own, answering its config namespace", async () => {
  const { tree, web } = site();
  const app = mountApp(tree);
  assert.equal(app.toolboxes["newauth"], newauthtools);
  assert.deepEqual(newauthtools.names().sort(), ["check_access", "identify"]);
  await web.getPage("/demo");
  web.assertBody("Hello");
  await web.getPage("/members");
  web.assertErrorPage(401);
  await web.getPage("/members", { headers: { "X-User": "ada" } });
  web.assertBody("Hello");
  await web.getPage("/anything/else");
  web.assertBody("Hello");
  // Without the toolbox registered, the app's config names an unknown namespace: nothing runs.
  const other = site();
  other.tree.mount(new NewauthRoot(), "", {
    "/members": { "newauth.check_access.on": true },
  });
  await other.web.getPage("/members");
  other.web.assertBody("Hello");
});

test("UserManager (§7.2.3): the tool turns user_id into a user for the handler", async () => {
  assert.ok(cherrypy.tools.user instanceof UserManager);
  assert.equal(cherrypy.tools.user._priority, 10);
  const { tree, web } = site();
  tree.mount(new UserRoot());
  await web.getPage("/?user_id=1");
  web.assertBody("hello Ada");
  await web.getPage("/?user_id=2");
  web.assertBody("hello Grace");
  await web.getPage("/?user_id=3");
  web.assertErrorPage(404, "There is no user #3.");
});
