/**
 * CherryPy's test_mime, ported: multipart/mixed and multipart/form-data bodies (a parameter
 * with more than one value), and Flash's upload, whose last boundary has no line break.
 */
import { after, before, test } from "node:test";
import * as cherrypy from "../../mod.ts";
import { repr, reprBytes, serveTree, suiteSite } from "./_suite.ts";
import { RawWebCase } from "./_webcase.ts";

const { expose } = cherrypy;

class Root {
  @expose
  multipart(parts: string[]) {
    return repr(parts);
  }
  // `repr(list(sorted(kwargs.items())))`: a list of (name, value) tuples.
  @expose
  multipart_form_data({ ...kwargs }: Record<string, string | string[]> = {}) {
    const items = Object.keys(kwargs).sort().map((k) => `(${repr(k)}, ${repr(kwargs[k])})`);
    return `[${items.join(", ")}]`;
  }
  @expose
  async flashupload(Filedata: cherrypy.Part, Upload: string, Filename: string) {
    const data = await Filedata.file!.read();
    return `Upload: ${Upload}, Filename: ${Filename}, Filedata: ${reprBytes(data)}`;
  }
}

// 'server.max_request_body_size': 0
const site = suiteSite();
const web = new RawWebCase();
let stop: () => Promise<void> = () => Promise.resolve();
before(async () => {
  site.tree.mount(new Root());
  const served = await serveTree(site.tree, { maxRequestBodySize: 0 });
  web.port = served.port;
  stop = served.stop;
});
after(() => stop());

test("mime: MultipartTest.test_multipart", async () => {
  const textPart = "This is the text version";
  const htmlPart = `<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
 <meta content="text/html;charset=ISO-8859-1" http-equiv="Content-Type">
</head>
<body bgcolor="#ffffff" text="#000000">

This is the <strong>HTML</strong> version
</body>
</html>
`;
  const body = [
    "--123456789",
    "Content-Type: text/plain; charset='ISO-8859-1'",
    "Content-Transfer-Encoding: 7bit",
    "",
    textPart,
    "--123456789",
    "Content-Type: text/html; charset='ISO-8859-1'",
    "",
    htmlPart,
    "--123456789--",
  ].join("\r\n");
  await web.getPage("/multipart", {
    method: "POST",
    headers: [
      ["Content-Type", "multipart/mixed; boundary=123456789"],
      ["Content-Length", String(body.length)],
    ],
    body,
  });
  web.assertBody(repr([textPart, htmlPart]));
});

test("mime: MultipartTest.test_multipart_form_data", async () => {
  const body = [
    "--X",
    'Content-Disposition: form-data; name="foo"',
    "",
    "bar",
    "--X",
    // Test a param with more than one value.
    'Content-Disposition: form-data; name="baz"',
    "",
    "111",
    "--X",
    'Content-Disposition: form-data; name="baz"',
    "",
    "333",
    "--X--",
  ].join("\r\n");
  await web.getPage("/multipart_form_data", {
    method: "POST",
    headers: [
      ["Content-Type", "multipart/form-data;boundary=X"],
      ["Content-Length", String(body.length)],
    ],
    body,
  });
  web.assertBody(`[('baz', ['111', '333']), ('foo', 'bar')]`);
});

test("mime: SafeMultipartHandlingTest.test_Flash_Upload", async () => {
  const headers: Array<[string, string]> = [
    ["Accept", "text/*"],
    ["Content-Type", "multipart/form-data; boundary=----------KM7Ij5cH2KM7Ef1gL6ae0ae0cH2gL6"],
    ["User-Agent", "Shockwave Flash"],
    ["Host", "www.example.com:54583"],
    ["Content-Length", "499"],
    ["Connection", "Keep-Alive"],
    ["Cache-Control", "no-cache"],
  ];
  const filedata = '<?xml version="1.0" encoding="UTF-8"?>\r\n' +
    "<projectDescription>\r\n</projectDescription>\r\n";
  const body = "------------KM7Ij5cH2KM7Ef1gL6ae0ae0cH2gL6\r\n" +
    'Content-Disposition: form-data; name="Filename"\r\n' +
    "\r\n" +
    ".project\r\n" +
    "------------KM7Ij5cH2KM7Ef1gL6ae0ae0cH2gL6\r\n" +
    'Content-Disposition: form-data; name="Filedata"; filename=".project"\r\n' +
    "Content-Type: application/octet-stream\r\n" +
    "\r\n" + filedata + "\r\n" +
    "------------KM7Ij5cH2KM7Ef1gL6ae0ae0cH2gL6\r\n" +
    'Content-Disposition: form-data; name="Upload"\r\n' +
    "\r\n" +
    "Submit Query\r\n" +
    // Flash apps omit the trailing \r\n on the last line:
    "------------KM7Ij5cH2KM7Ef1gL6ae0ae0cH2gL6--";
  await web.getPage("/flashupload", { method: "POST", headers, body });
  web.assertBody(
    `Upload: Submit Query, Filename: .project, Filedata: ${
      reprBytes(new TextEncoder().encode(filedata))
    }`,
  );
});
