/**
 * WebSocket support (the CherryPy documentation's §5.10): the echo server of ws4py's
 * documentation, which that section points to. `/` is a page whose script opens a WebSocket to
 * `/ws`; every message sent there comes back as it went.
 *
 *     deno run -A examples/websocket/echo.ts        # then open http://127.0.0.1:9000/
 *     node npm/examples/websocket/echo.js           # Node, after `npm run build`
 *
 * The `WebSocketPlugin` tracks the open connections for the engine: `websocket-broadcast`
 * reaches each of them, and stopping the engine closes them with 1001 (Going Away).
 * `tools.websocket` switches the requests of `/ws` to WebSockets, each handled by an instance
 * of `handler_cls`; the class can differ from path to path.
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The page at `/`: a text box, and what the WebSocket answers. */
export const PAGE = `<!DOCTYPE html>
<html>
<head><title>WebSocket echo</title></head>
<body>
<form id="form"><input id="message" autocomplete="off"> <button>Send</button></form>
<pre id="log"></pre>
<script>
  const log = (line) => document.getElementById("log").textContent += line + "\\n";
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(scheme + "//" + location.host + "/ws");
  ws.onopen = () => log("connected");
  ws.onmessage = (event) => log("< " + event.data);
  ws.onclose = (event) => log("closed: " + event.code + " " + event.reason);
  document.getElementById("form").onsubmit = (event) => {
    event.preventDefault();
    const input = document.getElementById("message");
    ws.send(input.value);
    log("> " + input.value);
    input.value = "";
  };
</script>
</body>
</html>
`;

/** The application. */
export class Root {
  /** Some HTML with a WebSocket JavaScript connection. */
  @cherrypy.expose
  index(): string {
    return PAGE;
  }

  /** The WebSocket: the tool has switched the request; its handler is `request.ws_handler`. */
  @cherrypy.expose
  ws(): void {
    // You can reach the handler of this connection here:
    const handler = cherrypy.request.ws_handler as cherrypy.WebSocketHandler;
    cherrypy.log(`Handler created: ${handler.constructor.name}`);
  }
}

/** `/ws` speaks WebSocket, each connection handled by an `EchoWebSocket`. */
export const config: cherrypy.AppConfig = {
  "/ws": {
    "tools.websocket.on": true,
    "tools.websocket.handler_cls": cherrypy.EchoWebSocket,
  },
};

if (cherrypy.isMain(import.meta)) {
  cherrypy.config.update({ "server.socket_port": 9000 });
  new cherrypy.WebSocketPlugin(cherrypy.engine).subscribe();
  await cherrypy.quickstart(new Root(), "/", config);
}
