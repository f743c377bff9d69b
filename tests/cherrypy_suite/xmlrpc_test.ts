/**
 * CherryPy's test_xmlrpc, ported: an `XMLRPCController` called by Python's own
 * `xmlrpc.client.ServerProxy` (run with /usr/bin/python3), values of every XML-RPC type, a
 * method that fails, an unknown method and a returned Fault.
 *
 * The Python client runs as a child process and reports each call's outcome as JSON; the
 * assertions are CherryPy's. JavaScript's `{} * 2` is `NaN`, not an error, so
 * `test_argument_passing` raises the `TypeError` Python raises there itself.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as cherrypy from "../../mod.ts";
import { suiteSite } from "./_suite.ts";

const { expose } = cherrypy;
const { DateTime, Fault } = cherrypy.lib.xmlrpcutil;
const site = suiteSite();
const web = site.web;

class Root {
  @expose
  index() {
    return "I'm a standard index!";
  }
}

class XmlRpc extends cherrypy.XMLRPCController {
  @expose
  foo() {
    return "Hello world!";
  }
  @expose
  return_single_item_list() {
    return [42];
  }
  @expose
  return_string() {
    return "here is a string";
  }
  @expose
  return_tuple() {
    return ["here", "is", 1, "tuple"];
  }
  @expose
  return_dict() {
    return { a: 1, b: 2, c: 3 };
  }
  @expose
  return_composite() {
    return [{ a: 1, z: 26 }, "hi", ["welcome", "friend"]];
  }
  @expose
  return_int() {
    return 42;
  }
  @expose
  return_float() {
    return 3.14;
  }
  @expose
  return_datetime() {
    return new DateTime([2003, 10, 7, 8, 1, 0, 1, 280, -1]);
  }
  @expose
  return_boolean() {
    return true;
  }
  @expose
  test_argument_passing(num: unknown) {
    if (typeof num !== "number") {
      throw new TypeError("unsupported operand type(s) for *: 'dict' and 'int'");
    }
    return num * 2;
  }
  @expose
  test_returning_Fault() {
    return new Fault(1, "custom Fault response");
  }
}

before(() => {
  const root = new Root() as Root & { xmlrpc?: XmlRpc };
  root.xmlrpc = new XmlRpc();
  web.mount(root, "", {
    "/": {
      "request.dispatch": new cherrypy.dispatch.XMLRPCDispatcher(),
      "tools.xmlrpc.allow_none": 0,
    },
  });
});

after(() => web.stop());

const PYTHON = "/usr/bin/python3";
/** Calls each `[method, args]` through ServerProxy; prints one outcome per call as JSON. */
const CLIENT = `
import json, sys
from xmlrpc.client import DateTime, Fault, ServerProxy
proxy = ServerProxy(sys.argv[1])
expected_dt = DateTime((2003, 10, 7, 8, 1, 0, 1, 280, -1))
def call(name, args):
    try:
        v = getattr(proxy, name)(*args)
    except Fault as f:
        return {"class": type(f).__name__, "faultCode": f.faultCode, "faultString": f.faultString}
    except Exception as e:
        return {"class": type(e).__name__, "error": str(e)}
    if isinstance(v, DateTime):
        return {"datetime": v.value, "equal": v == expected_dt}
    return {"value": v, "type": type(v).__name__}
print(json.dumps([call(n, a) for n, a in json.loads(sys.argv[2])]))
`;

/** Runs the calls with Python's client (the server answers meanwhile, in this process). */
function viaPython(
  url: string,
  calls: Array<[string, unknown[]]>,
): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      ["-c", CLIENT, url, JSON.stringify(calls)],
      { encoding: "utf8", timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `${PYTHON} could not run the XML-RPC client (install python3 to run this test): ` +
                `${error.message}\n${stderr}`,
            ),
          );
        } else resolve(JSON.parse(stdout));
      },
    );
  });
}

test("xmlrpc: testXmlRpc", async () => {
  // begin the tests ...
  await web.getPage("/xmlrpc/foo");
  web.assertBody("Hello world!");

  const url = `http://127.0.0.1:${web.port}/xmlrpc/`;
  const [
    singleItemList,
    string,
    tuple,
    dict,
    composite,
    int,
    float,
    datetime,
    boolean,
    argumentPassing,
    argumentError,
    nonMethod,
    returnedFault,
  ] = await viaPython(url, [
    ["return_single_item_list", []],
    ["return_string", []],
    ["return_tuple", []],
    ["return_dict", []],
    ["return_composite", []],
    ["return_int", []],
    ["return_float", []],
    ["return_datetime", []],
    ["return_boolean", []],
    ["test_argument_passing", [22]],
    ["test_argument_passing", [{}]],
    ["non_method", []],
    ["test_returning_Fault", []],
  ]);
  assert.deepEqual(singleItemList, { value: [42], type: "list" });
  assert.notDeepEqual(singleItemList!.value, "one bazillion");
  assert.deepEqual(string, { value: "here is a string", type: "str" });
  assert.deepEqual(tuple, { value: ["here", "is", 1, "tuple"], type: "list" });
  assert.deepEqual(dict, { value: { a: 1, c: 3, b: 2 }, type: "dict" });
  assert.deepEqual(composite, {
    value: [{ a: 1, z: 26 }, "hi", ["welcome", "friend"]],
    type: "list",
  });
  assert.deepEqual(int, { value: 42, type: "int" });
  assert.deepEqual(float, { value: 3.14, type: "float" });
  assert.deepEqual(datetime, { datetime: "20031007T08:01:00", equal: true });
  assert.deepEqual(boolean, { value: true, type: "bool" });
  assert.deepEqual(argumentPassing, { value: 22 * 2, type: "int" });

  // Test an error in the page handler (should raise an xmlrpclib.Fault)
  assert.equal(argumentError!.class, "Fault");
  assert.equal(argumentError!.faultString, "unsupported operand type(s) for *: 'dict' and 'int'");

  // https://github.com/cherrypy/cherrypy/issues/533
  // if a method is not found, an xmlrpclib.Fault should be raised
  assert.equal(nonMethod!.class, "Fault");
  assert.equal(nonMethod!.faultString, 'method "non_method" is not supported');

  // Test returning a Fault from the page handler.
  assert.equal(returnedFault!.class, "Fault");
  assert.equal(returnedFault!.faultString, "custom Fault response");
});
