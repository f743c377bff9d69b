/**
 * A chat room over WebSockets: what one client says, every client hears, through the engine's
 * `websocket-broadcast` channel (the `WebSocketPlugin` sends it to every open WebSocket).
 * `/announce?text=...` broadcasts from a plain HTTP request; `/who` counts the connections.
 *
 *     deno run -A examples/websocket/chat.ts        # then open http://127.0.0.1:9000/ twice
 *
 * Each connection's handler runs with `cherrypy.request` set to the request that opened it,
 * so it knows the client's address and the query string it connected with (`/ws?name=ada`).
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The handler of one chat connection. */
export class ChatWebSocket extends cherrypy.WebSocketHandler {
  /** The name the client chose (`/ws?name=...`), or its address. */
  get name(): string {
    const name = cherrypy.request.params["name"];
    return typeof name === "string" && name !== "" ? name : this.peer_address[0];
  }

  /** Tells everyone who joined. */
  override async opened(): Promise<void> {
    await cherrypy.engine.publish("websocket-broadcast", `${this.name} joined`);
  }

  /** Passes what was said on to everyone. */
  override async received_message(message: cherrypy.Message): Promise<void> {
    await cherrypy.engine.publish("websocket-broadcast", `${this.name}: ${message}`);
  }

  /** Tells the others who left. */
  override async closed(code: number): Promise<void> {
    await cherrypy.engine.publish("websocket-broadcast", `${this.name} left (${code})`);
  }
}

/** The plugin that tracks the open WebSockets (subscribed when the site starts). */
export const plugin: cherrypy.WebSocketPlugin = new cherrypy.WebSocketPlugin(cherrypy.engine);

/** The application. */
export class Chat {
  /** The page: a chat box over a WebSocket to `/ws`. */
  @cherrypy.expose
  index(): string {
    return `<!DOCTYPE html>
<html><head><title>Chat</title></head><body>
<form id="form"><input id="text" autocomplete="off"> <button>Say</button></form>
<pre id="log"></pre>
<script>
  const name = prompt("Your name?") || "";
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(scheme + "//" + location.host + "/ws?name=" + encodeURIComponent(name));
  ws.onmessage = (event) => document.getElementById("log").textContent += event.data + "\\n";
  document.getElementById("form").onsubmit = (event) => {
    event.preventDefault();
    ws.send(document.getElementById("text").value);
    document.getElementById("text").value = "";
  };
</script></body></html>`;
  }

  /** The WebSocket; its handler reads `name` from `cherrypy.request.params`. */
  @cherrypy.expose
  ws(name = ""): void {
    void name;
  }

  /** Broadcasts `text` to every connection from a plain request. */
  @cherrypy.expose
  async announce(text = ""): Promise<string> {
    await cherrypy.engine.publish("websocket-broadcast", `announcement: ${text}`);
    return `Sent to ${plugin.sockets.size} connection(s).`;
  }

  /** How many connections are open. */
  @cherrypy.expose
  who(): string {
    return String(plugin.sockets.size);
  }
}

/** `/ws` is the chat's WebSocket. */
export const config: cherrypy.AppConfig = {
  "/ws": {
    "tools.websocket.on": true,
    "tools.websocket.handler_cls": ChatWebSocket,
    "tools.websocket.heartbeat_freq": 30,
  },
};

if (cherrypy.isMain(import.meta)) {
  cherrypy.config.update({ "server.socket_port": 9000 });
  plugin.subscribe();
  await cherrypy.quickstart(new Chat(), "/", config);
}
