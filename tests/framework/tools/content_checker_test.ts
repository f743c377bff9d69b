/**
 * The config checker knows the content tools: their config keys draw no warning.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";

test("checker: the content tools' names are known", () => {
  const globalConfig = new cherrypy.GlobalConfig();
  const tree = new cherrypy.Tree({
    globalConfig: () => globalConfig.values(),
    log: new cherrypy.LogManager({ screen: false }),
  });
  const warnings: string[] = [];
  const checker = new cherrypy.Checker({
    tree,
    config: globalConfig,
    log: (msg) => warnings.push(msg),
  });
  const names = [
    "json_in",
    "json_out",
    "gzip",
    "decode",
    "etags",
    "expires",
    "autovary",
    "caching",
  ];
  const section: Record<string, unknown> = { "tools.nonexistent.on": true };
  for (const name of names) section[`tools.${name}.on`] = true;
  tree.mount({}, "", { "/": section });
  checker.run();
  const text = warnings.join("\n");
  assert.match(text, /tools\.nonexistent\.on/, "an unknown tool is reported");
  for (const name of names) assert.doesNotMatch(text, new RegExp(`tools\\.${name}\\.`));
});
