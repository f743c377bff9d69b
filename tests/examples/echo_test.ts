/**
 * The docs' echo test (§5.13), with `cherrypy.WebCase`: the application is mounted on the
 * site's tree and each test requests pages and checks the answers.
 */
import { after, before, test } from "node:test";
import * as cherrypy from "../../mod.ts";
import { Root } from "../../examples/advanced/echo_app.ts";

const web = new cherrypy.WebCase();
let screen = true;

before(() => {
  screen = cherrypy.log.screen;
  cherrypy.log.screen = false; // keep the access log out of the test output
  web.mount(new Root());
});

after(async () => {
  await web.stop();
  cherrypy.log.screen = screen;
});

test("the message is returned as is", async () => {
  await web.getPage("/echo?message=Hello%20world");
  web.assertStatus("200 OK");
  // CherryPy writes no space after the semicolon (the docs' test expects one, and fails).
  web.assertHeader("Content-Type", "text/html;charset=utf-8");
  web.assertBody("Hello world");
});

test("a non-UTF-8 message fails: 404, since the query string cannot be decoded", async () => {
  await web.getPage("/echo?message=A+bient%F4t", {
    headers: [
      ["Accept-Charset", "ISO-8859-1,utf-8"],
      ["Content-Type", "text/html;charset=ISO-8859-1"],
    ],
  });
  web.assertStatus("404 Not Found");
  web.assertErrorPage(
    404,
    "The given query string could not be processed. Query strings for this resource must " +
      "be encoded with 'utf8'.",
  );
});

test("without the message: 404, Missing parameters", async () => {
  await web.getPage("/echo");
  web.assertErrorPage(404, "Missing parameters: message");
});

test("over a real socket too", async () => {
  const socketWeb = new cherrypy.WebCase({ socket: true });
  try {
    await socketWeb.getPage("/echo?message=Hello%20world");
    socketWeb.assertStatus(200);
    socketWeb.assertBody("Hello world");
    socketWeb.assertHeader("Content-Length", "11");
  } finally {
    await socketWeb.stop();
  }
});
