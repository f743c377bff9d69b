import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Checker,
  checker,
  type CheckerOptions,
  config,
  engine,
  GlobalConfig,
  LogManager,
  platform,
  Tree,
} from "../../../mod.ts";
import { recordingBus, runProgram } from "../../_helpers.ts";

/** A fresh site (tree + global config) and a checker over it whose warnings are collected. */
function site(options: Partial<CheckerOptions> = {}) {
  const globalConfig = new GlobalConfig();
  const tree = new Tree({ globalConfig: () => globalConfig.values(), log: new LogManager() });
  const logged: Array<[string, number]> = [];
  const checker = new Checker({
    tree,
    config: globalConfig,
    log: (msg, level) => logged.push([msg, level]),
    // Tool names are checked only where a test says which tools exist.
    knownToolNames: () => null,
    ...options,
  });
  globalConfig.namespaces.set("checker", (key, value) => checker.set(key, value));
  globalConfig.onPathSections = () => {
    checker.global_config_contained_paths = true;
  };
  return {
    tree,
    config: globalConfig,
    checker,
    logged,
    /** Runs the checks; returns the messages logged by this run, without the heading. */
    run(): string[] {
      const before = logged.length;
      checker.run();
      return logged.slice(before).map(([msg, level]) => {
        assert.equal(level, 30);
        assert.ok(msg.startsWith("CherryPy Checker:\n") && msg.endsWith("\n"), msg);
        return msg.slice("CherryPy Checker:\n".length, -1);
      });
    },
  };
}

const root = {};

test("checker: an app without config at '' gets the docs' warning, once", () => {
  const s = site();
  s.tree.mount(root, "");
  s.tree.mount({}, "/other");
  assert.deepEqual(s.run(), ["The Application mounted at '' has an empty config."]);
  assert.deepEqual(s.run(), [], "a warning already given is not repeated");
});

test("checker: the empty-config warning explains path sections given to config.update", () => {
  const s = site();
  s.config.update({ global: { "log.screen": false }, "/": { "tools.gzip.on": true } });
  s.tree.mount(root, "/x");
  assert.deepEqual(s.run(), [
    "The Application mounted at '/x' has an empty config. It looks like the config you " +
    "passed to cherrypy.config.update() contains application-specific sections. You must " +
    "explicitly pass application config via cherrypy.tree.mount(..., config=app_config)",
  ]);
});

test("checker: a good config gives no warning", () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-checker-"));
  try {
    mkdirSync(join(dir, "static"));
    const s = site({ knownToolNames: () => ["staticdir", "staticfile", "gzip", "encode"] });
    s.config.update({ "server.socket_host": "127.0.0.1", "server.socket_port": 8080 });
    s.tree.mount(root, "/blog", {
      "/": { "tools.gzip.on": true, "request.show_tracebacks": false, "response.stream": true },
      "/static": {
        "tools.staticdir.on": true,
        "tools.staticdir.root": dir,
        "tools.staticdir.dir": "static",
      },
      "/files": { "tools.staticdir.on": true, "tools.staticdir.dir": join(dir, "static") },
      "/favicon.ico": {
        "tools.staticfile.on": true,
        "tools.staticfile.filename": join(dir, "favicon.ico"),
      },
    });
    assert.deepEqual(s.run(), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("checker: section names in brackets", () => {
  const s = site();
  s.tree.mount(root, "", { "[/extra_brackets]": {}, "/ok": {}, "[open": {}, "close]": {} });
  const prefix = "The application mounted at '' has config section names with extraneous " +
    "brackets: ";
  const suffix = ". Config *files* need brackets; config *dicts* (e.g. passed to tree.mount) " +
    "do not.";
  assert.deepEqual(s.run(), [
    `${prefix}'[/extra_brackets]'${suffix}`,
    `${prefix}'[open'${suffix}`,
    `${prefix}'close]'${suffix}`,
  ]);
});

test("checker: app sections that repeat the script name", () => {
  const s = site();
  s.tree.mount(root, "/blog/", { "/blog/x": { a: 1 }, "/": { b: 2 }, "blog": {}, "/blogger": {} });
  assert.deepEqual(s.run(), [
    "The application mounted at '/blog' has config entries that start with its script name: " +
    "'/blog/x'",
    "The application mounted at '/blog' has config entries that start with its script name: " +
    "'blog'",
  ]);
});

test("checker: engine., server., tree. and checker. keys in app path sections", () => {
  const s = site();
  s.tree.mount(root, "/m", {
    "/": { "engine.autoreload.on": false, "server.thread_pool": 3, "tree.x": null },
    "/s": { "server.socket_host": 'a"b', "checker.on": true, "tools.gzip.on": true },
    "global": { "engine.x": 1 },
  });
  assert.deepEqual(s.run(), [
    "The application mounted at '/m' contains the following config entries, which are only " +
    "allowed in site-wide config. Move them to a [global] section and pass them to " +
    "cherrypy.config.update() instead of tree.mount().\n" +
    "[/] engine.autoreload.on = False\n" +
    "[/] server.thread_pool = 3\n" +
    "[/] tree.x = None\n" +
    '[/s] server.socket_host = a"b\n' +
    "[/s] checker.on = True",
  ]);
});

test("checker: obsolete keys in app sections and in the site-wide config; deprecated keys", () => {
  const s = site();
  s.config.update({ "log_to_screen": true, "log_config_options": 1 });
  s.tree.mount(root, "", { "/": { "log_file": "x" }, "global": { "profiler.on": true } });
  assert.deepEqual(s.run(), [
    "'log_to_screen' is obsolete. Use 'log.screen' instead.",
    "'log_config_options' is obsolete. Use None instead.",
    "'log_file' is obsolete. Use 'log.error_file' instead.\nsection: [/]",
    "'profiler.on' is obsolete. Use " +
    "'cherrypy.tree.mount(profiler.make_app(cherrypy.Application(Root())))' instead.\n" +
    "section: [global]",
  ]);
  const d = site();
  d.checker.deprecated = { "tools.old.on": "tools.new.on" };
  d.tree.mount(root, "", { "/a": { "tools.old.on": true } });
  assert.deepEqual(d.run(), [
    "'tools.old.on' is deprecated. Use 'tools.new.on' instead.\nsection: [/a]",
  ]);
});

test("checker: every key of CherryPy's obsolete table", () => {
  const s = site();
  const keys = Object.keys(s.checker.obsolete);
  assert.deepEqual(keys, [
    "server.default_content_type",
    "log_access_file",
    "log_config_options",
    "log_file",
    "log_file_not_found",
    "log_request_headers",
    "log_to_screen",
    "show_tracebacks",
    "throw_errors",
    "profiler.on",
  ]);
  s.tree.mount(root, "", { "/": Object.fromEntries(keys.map((k) => [k, "x"])) });
  const got = s.run().filter((m) => m.includes("obsolete"));
  assert.equal(got.length, keys.length);
  assert.equal(
    got[0],
    "'server.default_content_type' is obsolete. Use 'tools.response_headers.headers' " +
      "instead.\nsection: [/]",
  );
});

test("checker: unknown namespaces, the cherrypy. prefix, unknown tools", () => {
  const s = site({ knownToolNames: () => ["encode", "gzip"] });
  s.tree.mount(root, "", {
    "/unknown": { "toobles.gzip.on": true },
    "/cpknown": { "cherrypy.tools.encode.on": true, "cherrypy.nope.x": 1 },
    "/web": { "tools.unknown.on": true, "tools.gzip.on": true },
    "/fine": {
      "hooks.x": 1,
      "error_page.404": "x",
      "request.x": 1,
      "response.x": 1,
      "log.x": 1,
      "wsgi.x": 1,
      "nodots": 1,
    },
    "global": { "not_a_path.x": 1 },
  });
  assert.deepEqual(s.run(), [
    "The config entry 'toobles.gzip.on' is invalid, because the 'toobles' config namespace " +
    "is unknown.\nsection: [/unknown]",
    "The config entry 'cherrypy.tools.encode.on' is invalid; try 'tools.encode.on' " +
    "instead.\nsection: [/cpknown]",
    "The config entry 'cherrypy.nope.x' is invalid, because the 'cherrypy' config namespace " +
    "is unknown.\nsection: [/cpknown]",
    "The config entry 'tools.unknown.on' may be invalid, because the 'unknown' tool was not " +
    "found.\nsection: [/web]",
  ]);
});

test("checker: tool names are not checked when the tools are not known", () => {
  const s = site({ knownToolNames: () => null });
  s.tree.mount(root, "", { "/web": { "tools.unknown.on": true } });
  assert.deepEqual(s.run(), []);
});

test("checker: the app's, the site's and extra namespaces are known", () => {
  const s = site();
  s.config.namespaces.set("db", () => {});
  s.config.update({ "checker.extra_config_namespaces": ["extra"] });
  const app = s.tree.mount(root, "", {
    "/": { "custom.a": 1, "other.b": 2, "db.c": 3, "extra.d": 4, "none.e": 5 },
  });
  Object.assign(app, { namespaces: new Map([["custom", () => {}]]) });
  const second = s.tree.mount({}, "/two", { "/": { "other.b": 2 } });
  Object.assign(second, { namespaces: { other: () => {} } });
  assert.deepEqual(s.run(), [
    "The config entry 'other.b' is invalid, because the 'other' config namespace is " +
    "unknown.\nsection: [/]",
    "The config entry 'none.e' is invalid, because the 'none' config namespace is " +
    "unknown.\nsection: [/]",
  ]);
});

test("checker: values whose type differs from the attribute's default", () => {
  const s = site();
  s.config.update({ "request.show_tracebacks": "no", "request.throw_errors": 0 });
  s.tree.mount(root, "", {
    "/conftype": { "request.show_tracebacks": 14, "response.stream": null },
    "/num": { "custom.x": "y" },
  });
  s.checker.known_config_types["server.socket_timeout"] = "int";
  s.config.update({ "server.socket_timeout": 0.5 });
  assert.deepEqual(s.run().filter((m) => m.includes("type")), [
    "The config entry 'request.show_tracebacks' in section 'request.show_tracebacks' is of " +
    "type 'str', which does not match the expected type 'bool'.",
    "The config entry 'request.throw_errors' in section 'request.throw_errors' is of type " +
    "'int', which does not match the expected type 'bool'.",
    "The config entry 'request.show_tracebacks' in section '/conftype' is of type 'int', " +
    "which does not match the expected type 'bool'.",
  ]);
});

test("checker: the site's server, engine and log attributes give types too", () => {
  assert.equal(checker.known_config_types["server.socket_port"], "int");
  assert.equal(checker.known_config_types["server.socket_host"], "str");
  assert.equal(checker.known_config_types["log.screen"], "bool");
  assert.equal(checker.known_config_types["request.show_tracebacks"], "bool");
  assert.equal(checker.known_config_types["response.stream"], "bool");
});

test("checker: server.socket_host 'localhost'", () => {
  const s = site();
  s.config.update({ "server.socket_host": "localhost" });
  s.tree.mount(root, "", { "/": {} });
  assert.deepEqual(s.run(), [
    "The use of 'localhost' as a socket host can cause problems on newer systems, since " +
    "'localhost' can map to either an IPv4 or an IPv6 address. You should use '127.0.0.1' " +
    "or '[::1]' instead.",
  ]);
});

test("checker: static directories", () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-checker-"));
  try {
    mkdirSync(join(dir, "static"));
    const s = site();
    s.tree.mount({ _cp_config: { "tools.staticdir.root": dir } }, "", {
      "/ok": { "tools.staticdir.on": true, "tools.staticdir.dir": "static" },
      "/unset": { "tools.staticdir.on": true },
      "/base": { "tools.staticdir.root": null },
      "/base/rel": { "tools.staticdir.on": true, "tools.staticdir.dir": "static" },
      "/js": { "tools.staticdir.on": true, "tools.staticdir.dir": "js" },
      "/abs": { "tools.staticdir.on": true, "tools.staticdir.dir": "/static" },
      "/relroot": {
        "tools.staticdir.on": true,
        "tools.staticdir.root": "rel",
        "tools.staticdir.dir": "d",
      },
      "/off": { "tools.staticdir.on": false, "tools.staticdir.dir": "nowhere" },
    });
    const r = `'${dir}'`;
    assert.deepEqual(s.run(), [
      `tools.staticdir.dir is not set.\nsection: [/unset]\nroot: ${r}\ndir: None`,
      "dir is a relative path and no root provided.\nsection: [/base/rel]\nroot: None\n" +
      "dir: 'static'",
      `'${dir}/js' (root + dir) is not an existing filesystem path.\nsection: [/js]\n` +
      `root: ${r}\ndir: 'js'`,
      "dir is an absolute path, even though a root is provided.\nIf you meant to serve the " +
      `filesystem folder at '${dir}/static', remove the leading slash from dir.\n` +
      `'/static' (root + dir) is not an existing filesystem path.\nsection: [/abs]\n` +
      `root: ${r}\ndir: '/static'`,
      "'rel/d' is not an absolute path.\n'rel/d' (root + dir) is not an existing filesystem " +
      "path.\nsection: [/relroot]\nroot: 'rel'\ndir: 'd'",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("checker: static files need a filename, absolute or under a root", () => {
  const s = site();
  s.tree.mount(root, "", {
    "/favicon.ico": { "tools.staticfile.on": true, "tools.staticfile.filename": "favicon.ico" },
    "/unset": { "tools.staticfile.on": true },
    "/rooted": {
      "tools.staticfile.on": true,
      "tools.staticfile.root": "/srv",
      "tools.staticfile.filename": "a.css",
    },
  });
  assert.deepEqual(s.run(), [
    "filename is a relative path and no root provided.\nsection: [/favicon.ico]\nroot: None\n" +
    "filename: 'favicon.ico'",
    "tools.staticfile.filename is not set.\nsection: [/unset]\nroot: None\nfilename: None",
  ]);
});

test("checker: checks run in name order; checker.on: false silences all", () => {
  const s = site();
  s.config.update({ "server.socket_host": "localhost" });
  s.tree.mount(root, "", { "[x]": {}, "/": { "throw_errors": true, "foo.bar": 1 } });
  s.config.update({ "checker.on": false });
  assert.equal(s.checker.on, false);
  assert.deepEqual(s.run(), []);
  s.config.update({ "checker.on": true });
  assert.deepEqual(s.run().map((m) => m.slice(0, 40)), [
    "The application mounted at '' has config", // check_app_config_brackets
    "'throw_errors' is obsolete. Use 'request", // check_compatibility
    "The config entry 'foo.bar' is invalid, b", // check_config_namespaces
    "The use of 'localhost' as a socket host ", // check_localhost
  ]);
});

test("checker: checker.check_<name> false skips a check; a function adds one", () => {
  const s = site();
  s.config.update({ "server.socket_host": "localhost" });
  s.tree.mount(root, "");
  s.config.update({
    "checker.check_localhost": false,
    "checker.check_custom": function (this: Checker) {
      this.warn("custom check ran");
    },
  });
  assert.deepEqual(s.run(), [
    "custom check ran",
    "The Application mounted at '' has an empty config.",
  ]);
  assert.throws(() => s.config.update({ "checker.check_localhost": "yes" }), /takes false/);
  assert.throws(() => s.config.update({ "checker.nosuch": 1 }), /Unknown config key "nosuch"/);
  assert.throws(() => s.config.update({ "checker.obsolete": [] }), /takes a dict/);
});

test("checker: without a log, warnings go to stderr exactly as CherryPy writes them", () => {
  const tree = new Tree({ globalConfig: () => ({}), log: new LogManager() });
  tree.mount(root, "");
  const c = new Checker({ tree, config: new GlobalConfig() });
  const written: string[] = [];
  const original = platform.writeStderr;
  platform.writeStderr = (text) => written.push(text);
  try {
    c.run();
  } finally {
    platform.writeStderr = original;
  }
  assert.deepEqual(written, [
    "CherryPy Checker:\nThe Application mounted at '' has an empty config.\n\n",
  ]);
});

test("checker: bus start runs it at priority 50 and logs the warnings at WARNING", async () => {
  const { bus, logs, messages } = recordingBus();
  const s = site({ log: (msg, level) => bus.log(msg, level) });
  s.checker.subscribe(bus);
  const listener = bus.listenersOf("start").find((l) => l.name === "checker")!;
  assert.equal(bus.priorityOf("start", listener), 50);
  s.tree.mount(root, "", { "/": { "throw_errors": true } });
  await bus.start();
  assert.deepEqual(messages(), ["Bus STARTING", "CherryPy Checker:", "Bus STARTED"]);
  assert.deepEqual(logs[1], [
    "CherryPy Checker:\n'throw_errors' is obsolete. Use 'request.throw_errors' instead.\n" +
    "section: [/]\n",
    30,
  ]);
  await bus.stop();
  s.checker.unsubscribe(bus);
  assert.equal(bus.listenersOf("start").length, 0);
});

test("checker: the engine's checker, its config namespace and the environments", () => {
  const listener = engine.listenersOf("start").find((l) => l.name === "checker");
  assert.ok(listener);
  assert.equal(engine.priorityOf("start", listener), 50);
  try {
    config.update({ "checker.on": false });
    assert.equal(checker.on, false);
    config.update({ "checker.on": true });
    assert.equal(checker.on, true);
    config.update({ environment: "production" });
    assert.equal(checker.on, false);
    checker.global_config_contained_paths = false;
    config.update({ global: { "checker.on": true }, "/": {} });
    assert.equal(checker.global_config_contained_paths, true);
    assert.equal(checker.on, true);
  } finally {
    config.reset();
    checker.on = true;
    checker.global_config_contained_paths = false;
    config.update({ "log.screen": true, "engine.autoreload.on": true });
  }
});

test("checker: quickstart logs the docs' empty-config warning after Bus STARTING", async () => {
  const prog = runProgram("tests/fixtures/quickstart_tut01");
  try {
    await prog.waitFor(/ENGINE Bus STARTED\n/);
    assert.match(
      prog.stderr(),
      /ENGINE Bus STARTING\n\[[^\]]+\] ENGINE CherryPy Checker:\nThe Application mounted at '' has an empty config\.\n\n\[[^\]]+\] ENGINE /,
    );
  } finally {
    prog.signal("SIGTERM");
    await prog.exited;
  }
});
