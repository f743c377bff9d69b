/**
 * SSL support (docs §8.6): the site over HTTPS, with a private key and a certificate made by
 * openssl as the docs make them.
 *
 *     openssl genrsa -out privkey.pem 2048
 *     openssl req -new -x509 -days 365 -key privkey.pem -out cert.pem   # Common Name: localhost
 *     deno run -A examples/deploy/ssl.ts
 *     curl -k https://localhost:8080/                                     # Hello world!
 *
 * The files are read from the current directory (`SSL_DIR` names another); with
 * `certchain.pem` there too (or `SSL_CHAIN` naming a file), the chain is sent after the
 * certificate. `ssl_module` is `"builtin"`: TLS is the runtime's own (OpenSSL in Node,
 * rustls in Deno, BoringSSL in Bun); CherryPy's other choice, `"pyopenssl"`, is a Python
 * library, and a site that names it fails to start, saying so. A key protected by a
 * password cannot be used: make it without `-aes128`/`-aes256`, or decrypt it with
 * `openssl rsa -in key.pem -out privkey.pem` before the site starts. `PORT` serves elsewhere
 * than 8080; `SSL_MODULE` sets `ssl_module`.
 *
 * @twin §8.6 #3, §8.6 #5, §8.6 #6
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The application. */
export class HelloWorld {
  /** The home page. */
  @cherrypy.expose
  index(): string {
    return "Hello world!";
  }
}

if (cherrypy.isMain(import.meta)) {
  const env = (name: string) => cherrypy.platform.getEnv(name);
  const dir = (env("SSL_DIR") ?? ".").replace(/\/+$/, "");
  cherrypy.server.ssl_module = env("SSL_MODULE") ?? "builtin";
  cherrypy.server.ssl_certificate = `${dir}/cert.pem`;
  cherrypy.server.ssl_private_key = `${dir}/privkey.pem`;
  const chain = env("SSL_CHAIN") ?? `${dir}/certchain.pem`;
  if (cherrypy.platform.statSync(chain) !== null) cherrypy.server.ssl_certificate_chain = chain;
  cherrypy.config.update({
    "server.socket_port": Number(env("PORT") ?? "8080"),
    "engine.autoreload.on": false,
  });
  await cherrypy.quickstart(new HelloWorld());
}
