import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configRegistry, Dispatcher } from "../../../mod.ts";
import { ConfigRegistry } from "../../../framework/config/config_registry.ts";
import { ConfigFileError, parseConfig, readConfigFile } from "../../../framework/config/mod.ts";
import { failure } from "./_failure.ts";

class MethodDispatcher extends Dispatcher {}

const docsRegistry = new ConfigRegistry([
  ["cherrypy.dispatch.MethodDispatcher", MethodDispatcher],
]);

test("the docs' config samples read as CherryPy reads them", () => {
  assert.deepEqual(parseConfig("[global]\nserver.socket_port: 9090\n", "server.conf"), {
    global: { "server.socket_port": 9090 },
  });
  assert.deepEqual(parseConfig("[/]\ntools.gzip.on: True\n", "app.conf"), {
    "/": { "tools.gzip.on": true },
  });
  const app = parseConfig(
    '[/]\ntools.gzip.on: True\n\n[googleapi]\nkey = "..."\nappid = "..."\n',
    "app.conf",
  );
  assert.deepEqual(app["googleapi"], { key: "...", appid: "..." });
  const site = parseConfig(
    `[global]
server.socket_host: "0.0.0.0"

[Databases]
driver: "postgres"
host: "localhost"
port: 5432

[/path]
response.timeout: 6000
`,
    "site.conf",
  );
  assert.deepEqual(site, {
    global: { "server.socket_host": "0.0.0.0" },
    Databases: { driver: "postgres", host: "localhost", port: 5432 },
    "/path": { "response.timeout": 6000 },
  });
  assert.deepEqual(Object.keys(site), ["global", "Databases", "/path"]);
  const statics = parseConfig(`[/]
tools.staticdir.root = "/home/site"

[/static]
tools.staticdir.on = True
tools.staticdir.dir = "static"
tools.staticdir.index = "index.html"
`);
  assert.deepEqual(statics["/static"], {
    "tools.staticdir.on": true,
    "tools.staticdir.dir": "static",
    "tools.staticdir.index": "index.html",
  });
  const extended = parseConfig(
    `[global]
log.error_file: "/home/fumanchu/myapp.log"
environment = 'production'
server.max_request_body_size: 1200
engine.timeout_monitor.frequency: 60 * 60

[/myapp]
tools.trailing_slash.on = False
request.dispatch: cherrypy.dispatch.MethodDispatcher()

[/path/to/page]
methods_with_bodies = ("POST", "PUT", "PROPPATCH")
`,
    "site.conf",
    docsRegistry,
  );
  assert.deepEqual(extended["global"], {
    "log.error_file": "/home/fumanchu/myapp.log",
    environment: "production",
    "server.max_request_body_size": 1200,
    "engine.timeout_monitor.frequency": 3600,
  });
  assert.equal(extended["/myapp"]?.["tools.trailing_slash.on"], false);
  assert.ok(extended["/myapp"]?.["request.dispatch"] instanceof MethodDispatcher);
  assert.deepEqual(extended["/path/to/page"], {
    methods_with_bodies: ["POST", "PUT", "PROPPATCH"],
  });
});

test("the default registry constructs cherrypy.dispatch.Dispatcher", () => {
  const conf = parseConfig(
    "[/]\nrequest.dispatch: cherrypy.dispatch.Dispatcher()\n" +
      "custom = cherrypy.dispatch.Dispatcher('_route')\nplain = cherrypy.dispatch.Dispatcher\n",
  );
  const d = conf["/"]?.["request.dispatch"];
  assert.ok(d instanceof Dispatcher);
  assert.equal(d.dispatchMethodName, "_cp_dispatch");
  assert.equal((conf["/"]?.["custom"] as Dispatcher).dispatchMethodName, "_route");
  assert.equal(conf["/"]?.["plain"], Dispatcher);
  assert.ok(configRegistry.has("cherrypy.dispatch.Dispatcher"));
  assert.equal(configRegistry.resolve("cherrypy.dispatch.Dispatcher"), Dispatcher);
});

test("DEFAULT section and %(name)s interpolation, like configparser", () => {
  const conf = parseConfig(`[DEFAULT]
root = "/home/site"
port = 8080

[/static]
tools.staticdir.dir = %(root)s + "/static"
pct = "100%%"

[/other]
root = "/srv"
here = %(root)s
chain = %(here)s
port = 9090
`);
  assert.deepEqual(conf, {
    "/static": {
      "tools.staticdir.dir": "/home/site/static",
      pct: "100%",
      root: "/home/site",
      port: 8080,
    },
    "/other": { root: "/srv", here: "/srv", chain: "/srv", port: 9090 },
  });
  assert.deepEqual(Object.keys(conf["/other"] ?? {}), ["root", "here", "chain", "port"]);
  // DEFAULT may be opened twice; it never appears as a section itself.
  assert.deepEqual(parseConfig("[DEFAULT]\na = 1\n[s]\n[DEFAULT]\nb = 2\n"), {
    s: { a: 1, b: 2 },
  });
  // Interpolation uses the raw text, before evaluation; names keep their case.
  assert.deepEqual(parseConfig("[s]\nN = 2\nn = 3\nx = %(N)s * %(n)s\n")["s"]?.["x"], 6);
});

test("comments, continuation lines, delimiters and option case", () => {
  const conf = parseConfig(`# a comment
; another
[s]
# inside
Key.Case = 1
key.case = 2
url = "http://example.com:8080/"
colon: "a = b"
equals = "a: b"
spaced   =    'x'
items = [1,
    2,
  # not part of the value
    3]

obj = {
    "a": 1,

    "b": 2,
  }
tail = (
   'x',
   )


after = True
`);
  assert.deepEqual(conf["s"], {
    "Key.Case": 1,
    "key.case": 2,
    url: "http://example.com:8080/",
    colon: "a = b",
    equals: "a: b",
    spaced: "x",
    items: [1, 2, 3],
    obj: { a: 1, b: 2 },
    tail: ["x"],
    after: true,
  });
  // Section names are case-sensitive; CRLF and a byte order mark are fine.
  assert.deepEqual(parseConfig("\ufeff[Global]\r\na = 1\r\n[global]\r\na = 2\r\n"), {
    Global: { a: 1 },
    global: { a: 2 },
  });
  // A value may also start on its continuation line.
  assert.deepEqual(parseConfig("[s]\nk =\n  [1,\n   2]\n")["s"]?.["k"], [1, 2]);
  // An indented line after an option continues its value, as in configparser.
  const e = failure("[s]\na = 1\n  b = 2\n");
  assert.deepEqual([e.line, e.key], [3, "a"]);
  assert.match(e.message, /^site\.conf:3: \[s\] a: cannot read value '1\\nb = 2': /);
});

test("file structure errors name the file and line", () => {
  const cases: Array<[string, number, string | null, string | null, RegExp]> = [
    [
      "a = 1\n[s]\n",
      1,
      null,
      null,
      /^site\.conf:1: expected a section header such as \[global\] or \[\/\] before 'a = 1'$/,
    ],
    ["\n# c\nk: v\n", 3, null, null, /expected a section header/],
    [
      "[s]\njust words\n",
      2,
      "s",
      null,
      /^site\.conf:2: \[s\]: expected 'key = value' or 'key: value', found 'just words'$/,
    ],
    ["[s]\n= 5\n", 2, "s", null, /expected an option name before '= 5'/],
    [
      "[s]\na = 1\n[t]\n[s]\n",
      4,
      null,
      null,
      /^site\.conf:4: section \[s\] appears twice \(first on line 1\)$/,
    ],
    [
      "[s]\na = 1\nb = 2\na = 3\n",
      4,
      "s",
      "a",
      /^site\.conf:4: \[s\] a: option set twice \(first on line 2\)$/,
    ],
    ["[DEFAULT]\na = 1\n[DEFAULT]\na = 2\n", 4, "DEFAULT", "a", /option set twice/],
  ];
  for (const [text, line, section, key, pattern] of cases) {
    const e = failure(text);
    assert.match(e.message, pattern, text);
    assert.deepEqual([e.file, e.line, e.section, e.key], ["site.conf", line, section, key], text);
  }
  assert.match(
    (() => {
      try {
        parseConfig("oops\n");
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })(),
    /^<string>:1: /,
  );
});

test("interpolation errors name the option", () => {
  const cases: Array<[string, number, string, RegExp]> = [
    [
      "[s]\na = %(missing)s\n",
      2,
      "a",
      /%\(missing\)s refers to no option 'missing' of this section or \[DEFAULT\]/,
    ],
    [
      "[s]\na = '100%'\n",
      2,
      "a",
      /'%' must be followed by '%' or '\(name\)s', found "%'"; write %% for a literal %/,
    ],
    ["[s]\na = %(b)d\nb = 1\n", 2, "a", /bad interpolation reference '%\(b\)d'/],
    ["[s]\na = %(b)s\nb = %(a)s\n", 2, "a", /nest more than 10 deep/],
    ["[DEFAULT]\nd = %(x)s\n[s]\n", 2, "d", /refers to no option 'x'/],
  ];
  for (const [text, line, key, pattern] of cases) {
    const e = failure(text);
    assert.match(e.message, pattern, text);
    assert.match(e.message, new RegExp(`^site\\.conf:${line}: \\[s\\] ${key}: `), text);
    assert.deepEqual([e.line, e.section, e.key], [line, "s", key], text);
  }
});

test("readConfigFile reads a file and names a missing one", () => {
  const dir = mkdtempSync(join(tmpdir(), "config-file-"));
  try {
    const path = join(dir, "app.conf");
    writeFileSync(path, "[/]\ntools.gzip.on: True\nroot = foo\n");
    const e = (() => {
      try {
        readConfigFile(path);
      } catch (e) {
        return e as ConfigFileError;
      }
      assert.fail("no error");
    })();
    assert.ok(e instanceof ConfigFileError);
    assert.equal(e.file, path);
    assert.ok(e.message.startsWith(`${path}:3: [/] root: `));
    writeFileSync(path, "[/]\ntools.gzip.on: True\n");
    assert.deepEqual(readConfigFile(path), { "/": { "tools.gzip.on": true } });
    const missing = join(dir, "missing.conf");
    assert.throws(() => readConfigFile(missing), (err: unknown) => {
      assert.ok(err instanceof ConfigFileError);
      assert.equal(err.message, `${missing}: cannot read the config file: no such file`);
      assert.deepEqual([err.file, err.line, err.section, err.key], [missing, 0, null, null]);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- the same files through CherryPy's own reader ----------------------------------------------

const PYTHON = "/usr/bin/python3";
const READ_WITH_CHERRYPY = `
import json, sys
from cherrypy.lib import reprconf
def plain(o):
    return {"__object__": type(o).__name__}
out = []
for path in sys.argv[1:]:
    try:
        out.append({"ok": reprconf.Parser().dict_from_file(path)})
    except Exception as e:
        out.append({"error": type(e).__name__ + ": " + str(e)})
print(json.dumps(out, default=plain))
`;

/** False when CherryPy can be run; otherwise why the comparison is skipped (also printed). */
function cherrypyAvailable(): string | false {
  const probe = spawnSync(PYTHON, ["-c", "import cherrypy.lib.reprconf"], { encoding: "utf8" });
  if (probe.status === 0) return false;
  const reason = `skipping the comparison with CherryPy: ${PYTHON} with cherrypy is not available`;
  console.log(reason);
  return reason;
}

/** Our result with registered objects replaced as the Python side replaces them. */
function comparable(value: unknown): unknown {
  if (value instanceof Dispatcher) return { __object__: value.constructor.name };
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  }
  return value;
}

const SAME_AS_CHERRYPY = [
  `[global]
server.socket_host: "0.0.0.0"
server.socket_port: 8080
engine.timeout_monitor.frequency: 60 * 60
environment = 'production'

[Databases]
driver: "postgres"
host: "localhost"
port: 5432

[/]
tools.staticdir.root = "/home/site"
request.dispatch: cherrypy.dispatch.Dispatcher()

[/static]
tools.staticdir.on = True
tools.staticdir.dir = "static"
tools.staticdir.index = "index.html"

[/path/to/page]
methods_with_bodies = ("POST", "PUT", "PROPPATCH")
response.stream: True
`,
  String.raw`[numbers]
a = 0
b = -7
c = 1.5
d = .5
e = 5.
f = 1e3
g = -1.5e3
h = 1_000_000
i = 0x1F
j = 0o17
k = 0b101
l = 00
m = 007.5
n = --3
o = 8080  # the port
p = 9007199254740991

[strings]
a = "it's"
b = 'say "hi"'
c = "a\tb\nc"
d = "\x41\101\u00e9\U0001F600"
e = "\d+"
f = r'\n\d'
g = u"x"
h = """tri"ple"""
i = '''one'''
j = "a" "b" 'c'
k = "#not a comment"
l = "100%%"
m =
n = ""
o = "caf\xe9 \\ end"

[containers]
a = [1, 'a', [True, None]]
b = [1, 2,]
c = (1, 2)
d = (1,)
e = ()
f = (1)
g = 'GET', 'HEAD'
h = 'GET',
i = {'a': 1, "b": [2]}
j = {"a": {"b": None, "c": True}}
k = {1: 'one', 2.5: 'x'}
l = {}
m = [10, 20, 30][-1]
n = {'a': 5}['a']
o = 'abc'[1]

[operators]
a = 60 * 60 * 24
b = 1 + 2 * 3
c = (1 + 2) * 3
d = -2 * 3
e = -(1 + 2)
f = True + 1
g = 'ab' * 3
h = 3 * 'ab'
i = 'ab' * -1
j = '/home' + '/site'
k = [1] + [2]
l = (1, 2) + (3,)
m = [0] * 3
n = -True

[builtins]
a = int('42')
b = int(' -42 ')
c = int('ff', 16)
d = int('0x1f', base=16)
e = int(3.9)
f = float('1.5')
g = str(5) + 'px'
h = str(None)
i = bool(0)
j = bool([])
k = list('ab')
l = tuple([1, 2])
m = dict(a=1, b=[2])
n = dict(**{'a': 5, 'c': 3}, a=1)
o = cherrypy.dispatch.Dispatcher('_route')
`,
  '# leading comment\n; another\n[DEFAULT]\nroot = "/home/site"\nport = 8080\n\n' +
  '[/static]\ntools.staticdir.dir = %(root)s + "/static"\npct = "100%%"\n\n' +
  '[/other]\nroot = "/srv"\nhere = %(root)s\nchain = %(here)s\nport = 9090\n' +
  "[DEFAULT]\nlate = 1\n\n[case]\nN = 2\nn = 3\nx = %(N)s * %(n)s\nKey.Case = 1\n" +
  'url = "http://example.com:8080/"\ncolon: "a = b"\nequals = "a: b"\n' +
  "spaced   =    'x'\nitems = [1,\n    2,\n  # not part of the value\n    3]\n\n" +
  'obj = {\n    "a": 1,\n\n    "b": 2,\n  }\ntail = (\n   \'x\',\n   )\n\n\n' +
  "after = True\r\ncrlf = 'yes'\r\n",
];

const REJECTED_BY_BOTH = [
  "[/]\nk = foo bar\n",
  "[/]\nk = production\n",
  "[/]\nk = /home/site\n",
  "[/]\nk = [1, 2\n",
  "[/]\nk = {1, 2}\n",
  "[/]\nk = 60 - 1\n",
  "[/]\nk = 1 / 2\n",
  "[/]\nk = 'a' + 1\n",
  "[/]\nk = 007\n",
  '[/]\nk = "abc\n',
  "[/]\nk = +5\n",
  "[/]\nk = not True\n",
  "[/]\nk = cherrypy.dispatch.NoSuchDispatcher()\n",
  "[/]\nk = nosuchthing.Thing()\n",
  "[/]\nk = int('12abc')\n",
  "k = 1\n[/]\n",
  "[s]\na = 1\n[s]\n",
  "[s]\na = 1\na = 2\n",
  "[s]\njust words\n",
  "[s]\na = %(missing)s\n",
  "[s]\na = '100%'\n",
  "[s]\na = %(b)s\nb = %(a)s\n",
];

test(
  "files read the same as with CherryPy's reprconf",
  { skip: cherrypyAvailable() },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "config-file-py-"));
    try {
      const texts = [...SAME_AS_CHERRYPY, ...REJECTED_BY_BOTH];
      const paths = texts.map((text, i) => {
        const path = join(dir, `case${i}.conf`);
        writeFileSync(path, text);
        return path;
      });
      const run = spawnSync(PYTHON, ["-c", READ_WITH_CHERRYPY, ...paths], { encoding: "utf8" });
      assert.equal(run.status, 0, run.stderr);
      const results = JSON.parse(run.stdout) as Array<{ ok?: unknown; error?: string }>;
      for (const [i, path] of paths.entries()) {
        const expected = results[i];
        const text = texts[i];
        if (i < SAME_AS_CHERRYPY.length) {
          assert.equal(expected?.error, undefined, `CherryPy rejected:\n${text}`);
          assert.deepEqual(comparable(readConfigFile(path)), expected?.ok, text);
        } else {
          assert.ok(expected?.error, `CherryPy accepted:\n${text}`);
          assert.throws(() => readConfigFile(path), ConfigFileError, text);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
