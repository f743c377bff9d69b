import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { privateSite } from "../../_helpers.ts";

/** A tool whose `size` option must be a positive number. */
class SizedTool extends cherrypy.Tool {
  constructor() {
    super("before_handler", () => {});
  }
  override checkOptions(options: Record<string, unknown>): void {
    if ("size" in options && !(typeof options["size"] === "number" && options["size"] > 0)) {
      throw new TypeError(`tools.${this._name}.size must be a positive number.`);
    }
  }
}

test("Tool.checkOptions: run by the decorator and when an application's config is mounted", () => {
  const toolbox = new cherrypy.Toolbox("tools");
  toolbox.sized = new SizedTool();
  assert.throws(() => toolbox.sized({ size: -1 }), /^TypeError: tools\.sized\.size must be/);
  assert.equal(typeof toolbox.sized({ size: 2 }), "function");

  cherrypy.tools.sized_for_test = new SizedTool();
  try {
    const { tree } = privateSite();
    assert.throws(
      () => tree.mount({}, "/a", { "/x": { "tools.sized_for_test.size": "big" } }),
      (e: Error) =>
        e instanceof TypeError &&
        e.message === "Config section [/x]: tools.sized_for_test.size must be a positive number.",
    );
    assert.equal(tree.apps["/a"], undefined);
    // Right options, and other tools' or namespaces' keys, pass.
    tree.mount({}, "/b", {
      "/x": {
        "tools.sized_for_test.size": 3,
        "tools.encode.on": true,
        "request.show_tracebacks": false,
      },
    });
    assert.ok(tree.apps["/b"]);
  } finally {
    delete cherrypy.tools.sized_for_test;
  }
});
