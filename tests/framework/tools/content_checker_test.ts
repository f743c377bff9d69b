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

test("content tools: bad options are refused where they are written", () => {
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ["json_in", { force: "yes" }, /tools\.json_in\.force must be true or false; got "yes"\./],
    ["json_in", { processor: "json" }, /tools\.json_in\.processor must be a function/],
    ["json_out", { handler: 1 }, /tools\.json_out\.handler must be a function; got 1\./],
    ["gzip", { compress_level: 10 }, /tools\.gzip\.compress_level must be an integer from -1 to 9/],
    ["gzip", { encodings: ["deflate"] }, /tools\.gzip\.encodings must be a list of "gzip"/],
    ["gzip", { mime_types: [1] }, /tools\.gzip\.mime_types must be a media type or a list/],
    ["decode", { encoding: 8 }, /tools\.decode\.encoding must be a charset name/],
    ["etags", { autotags: "on" }, /tools\.etags\.autotags must be true or false/],
    ["expires", { secs: "1h" }, /tools\.expires\.secs must be a number of seconds/],
    ["autovary", { ignore: "Cookie" }, /tools\.autovary\.ignore must be a list of header names/],
    ["caching", { antistampede_timeout: -1 }, /tools\.caching\.antistampede_timeout must be/],
    ["caching", { cache_class: "MemoryCache" }, /tools\.caching\.cache_class must be a class/],
  ];
  for (const [name, options, message] of bad) {
    const tool = (cherrypy.tools as unknown as Record<string, cherrypy.Tool>)[name]!;
    assert.throws(() => tool(options), message, `${name} decorator`);
    const tree = new cherrypy.Tree({
      globalConfig: () => ({}),
      log: new cherrypy.LogManager({ screen: false }),
    });
    const section: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(options)) section[`tools.${name}.${k}`] = v;
    assert.throws(
      () => tree.mount({}, "", { "/p": section }),
      (e: Error) => e.message.startsWith("Config section [/p]: ") && message.test(e.message),
    );
  }
  // Good options pass.
  cherrypy.tools.gzip({ compress_level: 9, mime_types: ["text/*"], encodings: ["br", "gzip"] });
  cherrypy.tools.expires({ secs: { days: 1 }, force: true });
  cherrypy.tools.caching({ delay: 60, antistampede_timeout: null });
});
