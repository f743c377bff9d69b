/** CPStats: the `cpstats` tool, the statistics registry, and `StatsPage` (HTML and JSON). */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { privateSite as site } from "../../_helpers.ts";

const { expose } = cherrypy;
const { appstats, extrapolateStatistics, statistics, StatsPage, pyFormat } = cherrypy.lib.cpstats;

class Root {
  @expose
  index() {
    return "hello";
  }
  @expose
  echo(text = "") {
    return text;
  }
  @expose
  async slow() {
    await new Promise((r) => setTimeout(r, 30));
    return "slow";
  }
  cpstats = new StatsPage();
}

function mount() {
  const s = site();
  s.web.mount(new Root(), "", {
    "/": { "tools.cpstats.on": true },
    "/slow": { "tools.cpstats.uriset": "slowpages", "tools.cpstats.slow_queries": 0.01 },
  });
  return s;
}

test("cpstats: requests are counted, with bytes read and written", async () => {
  const { web } = mount();
  const before = { ...appstats };
  await web.getPage("/");
  await web.getPage("/echo", { method: "POST", body: new URLSearchParams({ text: "abcdef" }) });
  web.assertBody("abcdef");
  assert.equal(appstats["Total Requests"] - before["Total Requests"], 2);
  assert.equal(appstats["Current Requests"], before["Current Requests"]);
  assert.equal(appstats["Total Bytes Read"] - before["Total Bytes Read"], "text=abcdef".length);
  assert.equal(appstats["Total Bytes Written"] - before["Total Bytes Written"], 5 + 6);
  const records = Object.values(appstats["Requests"] as Record<string, Record<string, unknown>>);
  const last = records.find((r) => r["Request-Line"] === "POST /echo HTTP/1.1");
  assert.ok(last, JSON.stringify(records));
  assert.equal(last!["Response Status"], "200 OK");
  assert.equal(last!["Bytes Read"], 11);
  assert.equal(typeof last!["Processing Time"], "number");
  assert.equal((last!["Client"] as () => string)(), "127.0.0.1:1111");
});

test("cpstats: URI sets, slow queries, pause and resume (POST only)", async () => {
  const { web } = mount();
  await web.getPage("/slow");
  const tracking = appstats["URI Set Tracking"]["slowpages"];
  assert.ok(tracking.Count >= 1 && tracking.Max >= tracking.Min && tracking.Min >= 0.01);
  assert.equal(tracking.Avg(tracking), tracking.Sum / tracking.Count);
  const slow = appstats["Slow Queries"] as Array<Record<string, unknown>>;
  assert.equal(slow.at(-1)!["Request-Line"], "GET /slow HTTP/1.1");

  await web.getPage("/cpstats/pause?namespace=CherryPy+Applications");
  web.assertErrorPage(405);
  web.assertHeader("Allow", "POST");
  const body = new URLSearchParams({ namespace: "CherryPy Applications" });
  await web.getPage("/cpstats/pause", { method: "POST", body });
  web.assertStatus(303);
  web.assertHeader("Location", "http://127.0.0.1/cpstats/");
  assert.equal(appstats["Enabled"], false);
  const count = appstats["Total Requests"];
  await web.getPage("/");
  assert.equal(appstats["Total Requests"], count);
  await web.getPage("/cpstats/resume", { method: "POST", body });
  assert.equal(appstats["Enabled"], true);
  await web.getPage("/");
  // (The resume request itself started while collection was paused.)
  assert.equal(appstats["Total Requests"], count + 1);
  // An unknown namespace changes nothing.
  await web.getPage("/cpstats/pause", {
    method: "POST",
    body: new URLSearchParams({ namespace: "nope" }),
  });
  web.assertStatus(303);
  assert.equal(appstats["Enabled"], true);
});

test("cpstats: the registry takes any namespace; functions are extrapolated", () => {
  statistics["My Stuff"] = {
    Enabled: true,
    "Important Events": 6,
    "Start Time": 0,
    "Events/Second": (s: Record<string, number>) => s["Important Events"]! / 3,
    Records: [{ a: 1, b: (r: { a: number }) => r.a + 1 }],
  };
  try {
    const copy = extrapolateStatistics(statistics);
    const mine = copy["My Stuff"] as Record<string, unknown>;
    assert.equal(mine["Events/Second"], 2);
    assert.deepEqual(mine["Records"], [{ a: 1, b: 2 }]);
    assert.equal(typeof statistics["My Stuff"]["Events/Second"], "function");
  } finally {
    delete statistics["My Stuff"];
  }
  assert.equal(pyFormat("%.3f", 2), "2.000");
  assert.equal(pyFormat("%s", null), "None");
  assert.equal(pyFormat("%.3f", "chunked"), "chunked");
  assert.equal(pyFormat("%d%%", 12.7), "12%");
});

test("StatsPage: the HTML report escapes what clients sent; data is sorted JSON", async () => {
  const { web } = mount();
  statistics["Z <Custom>"] = { Enabled: false, "Note <b>": "<script>x</script>", Ratio: 0.25 };
  try {
    await web.getPage("/cpstats/");
    web.assertStatus(200);
    web.assertHeader("Content-Type", "text/html;charset=utf-8");
    web.assertInBody("<title>Statistics</title>");
    web.assertInBody("<h1>CherryPy Applications</h1>");
    web.assertInBody("<th>Total Requests</th><td id='CherryPy Applications-Total Requests'>");
    web.assertInBody('<input type="submit" value="Pause" />');
    web.assertInBody('<input type="submit" value="Resume" disabled="disabled" />');
    web.assertInBody("<h2>Requests</h2>");
    web.assertMatchesBody(
      /<th>ID<\/th>\s*<th>Bytes Read<\/th>\s*<th>Bytes Written<\/th>\s*<th>Client<\/th>/,
    );
    web.assertNotInBody("<script>");
    web.assertInBody("&lt;script&gt;x&lt;/script&gt;");
    web.assertInBody("<h1>Z &lt;Custom&gt;</h1>");
    web.assertInBody("<th>Note &lt;b&gt;</th>");
    web.assertInBody("<td id='Z &lt;Custom&gt;-Ratio'>0.25</td>");
    // 3 scalars a row: the custom namespace's 3 fill one row exactly.
    web.assertMatchesBody(/Ratio'>0\.25<\/td>\s*<\/tr>\s*<\/tbody>/);

    await web.getPage("/cpstats/data");
    web.assertHeader("Content-Type", "application/json");
    const data = JSON.parse(web.body);
    assert.deepEqual(Object.keys(data), [...Object.keys(data)].sort());
    const apps = data["CherryPy Applications"];
    assert.equal(typeof apps["Requests/Second"], "number");
    assert.equal(apps["Server Version"], cherrypy.VERSION);
    assert.deepEqual(Object.keys(apps), Object.keys(apps).sort());
    assert.match(web.body, /^\{\n {4}"CherryPy Applications": \{\n {8}"Bytes Read\/Request": /);
    // The site's server reports too (here it is not running).
    assert.equal(data["CherryPy HTTPServer"]["Enabled"], false);
  } finally {
    delete statistics["Z <Custom>"];
  }
});
