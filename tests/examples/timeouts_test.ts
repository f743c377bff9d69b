import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { globalConf, Root, sleep } from "../../examples/advanced/timeouts.ts";

/** A site whose responses a private timeout monitor watches (checking every `frequency` s). */
function site(frequency: number) {
  const bus = new cherrypy.Bus({ exitProcess: () => {} });
  const monitor = new cherrypy.TimeoutMonitor(bus, frequency);
  const log = new cherrypy.LogManager({ screen: false });
  const errors: string[] = [];
  log.handlers.push((r) => void (r.kind === "error" && errors.push(r.line)));
  const tree = new cherrypy.Tree({
    globalConfig: () => ({ ...cherrypy.DEFAULT_TOOL_CONFIG }),
    log,
    trackResponse: (r) => monitor.track(r),
  });
  return { tree, monitor, errors, web: new cherrypy.WebCase({ tree }) };
}

test("timeouts (§5.5): the handler checks between steps; past the timeout, a 500", async () => {
  const { tree, web } = site(60);
  tree.mount(new Root(), "", { "/report": { "response.timeout": 0.15 } });
  await web.getPage("/report?steps=2&step_ms=10");
  web.assertStatus(200);
  web.assertMatchesBody(/^Report of 2 steps, ready after \d+\.\d s \(timeout: 0\.15 s\)$/);
  await web.getPage("/report?steps=10&step_ms=100");
  web.assertErrorPage(500);
  web.assertInBody("TimeoutError: The response timed out.");
});

test("timeouts (§5.5): the default timeout is 300 s; the handlers' config sets 2", async () => {
  assert.equal(new cherrypy.Response().timeout, 300);
  const { tree, web } = site(60);
  tree.mount({
    show: cherrypy.expose(() => String(cherrypy.response.timeout)),
  }, "/plain");
  tree.mount(new Root());
  await web.getPage("/plain/show");
  web.assertBody("300");
  await web.getPage("/report?steps=0");
  web.assertInBody("(timeout: 2 s)");
});

test("timeouts (§5.5.1): the monitor marks the response and request.signal stops the wait", async () => {
  const { tree, web, monitor, errors } = site(0.05);
  tree.mount(new Root(), "", { "/wait": { "response.timeout": 0.1 } });
  monitor.start();
  const keepAlive = setInterval(() => {}, 1000);
  try {
    const started = Date.now();
    await web.getPage("/wait?seconds=30");
    web.assertErrorPage(500);
    web.assertInBody("TimeoutError");
    assert.ok(Date.now() - started < 20_000, "the 30 s wait was stopped");
    assert.ok(errors.some((l) => l.includes("TimeoutError")), errors.join("\n"));
  } finally {
    clearInterval(keepAlive);
    await monitor.stop();
  }
});

test("timeouts: sleep() resolves, or rejects with the signal's reason", async () => {
  await sleep(1);
  const controller = new AbortController();
  const waiting = sleep(10_000, controller.signal);
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  await assert.rejects(sleep(1, controller.signal), /stop/);
});

test("timeouts (§5.5.1): engine.timeout_monitor.frequency is global config", () => {
  const saved = cherrypy.engine.timeout_monitor.frequency;
  try {
    cherrypy.config.update(globalConf);
    assert.equal(cherrypy.engine.timeout_monitor.frequency, 1);
    cherrypy.config.update({ "engine.timeout_monitor.frequency": 60 * 60 });
    assert.equal(cherrypy.engine.timeout_monitor.frequency, 3600);
  } finally {
    cherrypy.config.update({ "engine.timeout_monitor.frequency": saved });
  }
});
