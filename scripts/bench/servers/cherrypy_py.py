"""CherryPy itself (Debian's python3-cherrypy3) serving the benchmark's small pages.

    /usr/bin/python3 scripts/bench/servers/cherrypy_py.py <port>

The same answers as the framework rows: `/` "Hello world!", `/json` the small object as
compact JSON (application/json), `/users/<id>/profile` "Profile of user <id>". Production
environment (no autoreload, no tracebacks), no access log, the default thread pool. Prints
`LISTENING <port>` once the engine has started; SIGTERM stops the engine.
"""

import json
import sys

import cherrypy


class Users:
    @cherrypy.expose
    def default(self, user_id, page):
        return "Profile of user %s" % user_id


class Root:
    users = Users()

    @cherrypy.expose
    def index(self):
        return "Hello world!"

    @cherrypy.expose
    def json(self):
        cherrypy.response.headers["Content-Type"] = "application/json"
        payload = {"message": "Hello world!", "id": 42, "tags": ["small", "json"]}
        return json.dumps(payload, separators=(",", ":")).encode("utf-8")


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    cherrypy.config.update({
        "environment": "production",
        "server.socket_host": "127.0.0.1",
        "server.socket_port": port,
        "log.screen": False,
        "log.access_file": "",
        "log.error_file": "",
    })
    cherrypy.tree.mount(Root(), "")

    def listening():
        print("LISTENING %d" % cherrypy.server.bound_addr[1], flush=True)

    cherrypy.engine.subscribe("start", listening, priority=90)
    cherrypy.engine.signals.subscribe()
    cherrypy.engine.start()
    cherrypy.engine.block()


if __name__ == "__main__":
    main()
