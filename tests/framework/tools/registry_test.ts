/** The default toolbox: each tool at CherryPy's point and priority, and known to the checker. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";

test("the default toolbox binds each tool at CherryPy's point and priority", () => {
  const expected: Record<string, [string | null, number, string]> = {
    allow: ["on_start_resource", 50, "Tool"],
    proxy: ["before_request_body", 30, "Tool"],
    log_hooks: ["on_end_request", 100, "Tool"],
    err_redirect: [null, 50, "ErrorTool"],
    xmlrpc: [null, 50, "ErrorTool"],
    ignore_headers: ["before_request_body", 50, "Tool"],
    referer: ["before_request_body", 50, "Tool"],
    flatten: ["before_finalize", 50, "Tool"],
    redirect: ["on_start_resource", 50, "Tool"],
    params: ["before_handler", 15, "Tool"],
    cpstats: ["on_end_request", 50, "StatsTool"],
    encode: ["before_handler", 70, "Tool"],
    trailing_slash: ["before_handler", 60, "Tool"],
    log_tracebacks: ["before_error_response", 50, "Tool"],
    log_headers: ["before_error_response", 50, "Tool"],
  };
  for (const [name, [point, priority, cls]] of Object.entries(expected)) {
    const tool = cherrypy.tools.get(name) as cherrypy.Tool;
    assert.ok(tool instanceof cherrypy.Tool, name);
    assert.equal(tool._name, name);
    assert.equal(tool._point, point, name);
    assert.equal(tool._priority, priority, name);
    assert.equal(tool.constructor.name, cls, name);
  }
  assert.equal(typeof cherrypy.tools.flatten(), "function", "calling a tool gives its decorator");
});

test("checker: no warning for the built-in tools' names", () => {
  const globalConfig = new cherrypy.GlobalConfig();
  const tree = new cherrypy.Tree({
    globalConfig: () => globalConfig.values(),
    log: new cherrypy.LogManager({ screen: false }),
  });
  const logged: string[] = [];
  const checker = new cherrypy.Checker({
    tree,
    config: globalConfig,
    log: (msg) => logged.push(msg),
  });
  const names = [
    "allow",
    "referer",
    "ignore_headers",
    "proxy",
    "redirect",
    "err_redirect",
    "flatten",
    "log_hooks",
    "params",
    "xmlrpc",
    "cpstats",
  ];
  tree.mount({}, "", {
    "/": Object.fromEntries(names.map((n) => [`tools.${n}.on`, false])),
    "/unknown": { "tools.no_such_tool.on": true },
  });
  checker.run();
  assert.equal(logged.length, 1, logged.join("\n"));
  assert.match(logged[0]!, /'no_such_tool' tool was not found/);
  for (const n of names) assert.doesNotMatch(logged.join("\n"), new RegExp(`'${n}' tool`));
});
