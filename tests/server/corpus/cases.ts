/**
 * The hostile-request corpus run by `../corpus_test.ts`: one request a line, with the outcome
 * each engine must give. The format is read by `_table.ts`:
 *
 * - columns: `name | <engine> ... | bytes`; the header line names the engine columns;
 * - bytes: text with `\r`, `\n`, `\t`, `\0`, `\xHH`, `\\`, `\|` escapes, `{N*text}` for text
 *   repeated N times, and a final `<EOF>` when the client half-closes after sending; spaces at
 *   either end of a cell are dropped (write `\x20`);
 * - outcomes: the statuses received in order (`200`, `100 200`, `200 400`), `closed` (closed
 *   without an answer), `waits` (no answer, the connection left open), `other` (not HTTP/1.x),
 *   `refused` (`closed` or 4xx answers only), alternatives joined by `|`.
 *
 * The server (see `../corpus_test.ts`) serves tutorial 1 at `/` and `/echo`, which reads the body
 * and names its form fields, with `socket_timeout` 2 s, `max_request_header_size` 8192 and
 * `max_request_body_size` 100000. `node` is the project's own engine, cheroot-like, and its
 * column gives exact statuses; `deno` is `Deno.serve`, which answers malformed requests its own
 * way (see docs/server.md). `cheroot` is not run by the tests: it records what CherryPy 18.8 on
 * cheroot 9.0 (`apt-get install python3-cherrypy3`) answered the same requests with the same
 * settings, for comparison (see docs/differences.md).
 *
 * @module
 */

/** The table. */
export const CORPUS = String.raw`
# name                                             | node        | deno          | cheroot     | bytes

# Request line: methods
method: GET, the baseline                          | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\n\r\n
method: HEAD                                       | 200         | 200           | 200         | HEAD / HTTP/1.1\r\nHost: x\r\n\r\n
method: POST, empty body                           | 200         | 200           | 200         | POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n
method: PUT, empty body                            | 200         | 200           | 200         | PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n
method: DELETE                                     | 200         | 200           | 200         | DELETE / HTTP/1.1\r\nHost: x\r\n\r\n
method: OPTIONS /                                  | 200         | 200           | 200         | OPTIONS / HTTP/1.1\r\nHost: x\r\n\r\n
method: OPTIONS *                                  | 400         | 404           | 404         | OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n
method: an unknown method                          | 200         | 200           | 200         | FOO / HTTP/1.1\r\nHost: x\r\n\r\n
method: a method with digits and dashes            | 200         | 200           | 200         | M-1_X / HTTP/1.1\r\nHost: x\r\n\r\n
method: CONNECT to an authority                    | 404         | 400           | 404         | CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n
method: TRACE                                      | 200         | 200           | 200         | TRACE / HTTP/1.1\r\nHost: x\r\n\r\n
method: method in lower case                       | 400         | 400           | 400         | get / HTTP/1.1\r\nHost: x\r\n\r\n
method: method in mixed case                       | 400         | 400           | 400         | Get / HTTP/1.1\r\nHost: x\r\n\r\n
method: method with a non-token byte               | 400         | 400           | 200         | G@T / HTTP/1.1\r\nHost: x\r\n\r\n
method: method with a slash                        | 400         | 400           | 200         | GET/ / HTTP/1.1\r\nHost: x\r\n\r\n
method: method with a Latin-1 byte                 | 400         | 400           | 200         | G\xc9T / HTTP/1.1\r\nHost: x\r\n\r\n
method: method of 9000 letters                     | 414         | 200           | 414         | {9000*A} / HTTP/1.1\r\nHost: x\r\n\r\n

# Request line: spacing and terminators
line: two spaces after the method                  | 400         | 400           | 400         | GET  / HTTP/1.1\r\nHost: x\r\n\r\n
line: two spaces before the version                | 400         | 400           | 400         | GET /  HTTP/1.1\r\nHost: x\r\n\r\n
line: a leading space                              | 400         | 400           | 200         | \x20GET / HTTP/1.1\r\nHost: x\r\n\r\n
line: a trailing space                             | 400         | 400           | 200         | GET / HTTP/1.1\x20\r\nHost: x\r\n\r\n
line: tabs as separators                           | 400         | 400           | 400         | GET\t/\tHTTP/1.1\r\nHost: x\r\n\r\n
line: a tab before the version                     | 400         | 400           | 400         | GET /\tHTTP/1.1\r\nHost: x\r\n\r\n
line: four parts                                   | 400         | 400           | 400         | GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n
line: only the method                              | 400         | 400           | 400         | GET\r\nHost: x\r\n\r\n
line: method and target only                       | 400         | 400           | 400         | GET /\r\nHost: x\r\n\r\n
line: target and version only                      | 400         | 400           | 400         | / HTTP/1.1\r\nHost: x\r\n\r\n
line: an empty request line then a request         | 200         | 200           | 200         | \r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n
line: two empty lines then a request               | 400         | 200           | 400         | \r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n
line: only empty lines, then EOF                   | 400         | 400           | 400         | \r\n\r\n\r\n<EOF>
line: bare LF line ends                            | 400         | 200           | 400         | GET / HTTP/1.1\nHost: x\n\n
line: bare LF after the request line only          | 400         | 200           | 400         | GET / HTTP/1.1\nHost: x\r\n\r\n
line: bare CR after the request line               | 400         | 400           | 400         | GET / HTTP/1.1\rHost: x\r\n\r\n
line: CR CR LF after the request line              | 400         | 400           | 200         | GET / HTTP/1.1\r\r\nHost: x\r\n\r\n
line: NUL in the target                            | 400         | 400           | 404         | GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n
line: NUL before the method                        | 400         | 400           | 200         | \0GET / HTTP/1.1\r\nHost: x\r\n\r\n
line: NUL after the version                        | 400         | 400           | 400         | GET / HTTP/1.1\0\r\nHost: x\r\n\r\n
line: a request line of 20000 bytes                | 414         | 404           | 414         | GET /{20000*a} HTTP/1.1\r\nHost: x\r\n\r\n
line: a request line cut by EOF                    | 400         | closed        | 400         | GET / HTT<EOF>
line: a head cut by EOF                            | 400         | closed        | 400         | GET / HTTP/1.1\r\nHost: x\r\n<EOF>
line: a head that never ends                       | 408         | waits         | 408         | GET / HTTP/1.1\r\nHost: x\r\n
line: connect and send nothing, then EOF           | closed      | closed        | closed      | <EOF>
line: binary garbage                               | 408         | 400           | 408         | \x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03

# Versions
version: HTTP/1.0 without Host                     | 200         | 200           | 200         | GET / HTTP/1.0\r\n\r\n
version: HTTP/1.0 with Host                        | 200         | 200           | 200         | GET / HTTP/1.0\r\nHost: x\r\n\r\n
version: HTTP/1.10                                 | 400         | 400           | 505         | GET / HTTP/1.10\r\nHost: x\r\n\r\n
version: HTTP/01.1                                 | 400         | 400           | 500         | GET / HTTP/01.1\r\nHost: x\r\n\r\n
version: HTTP/1.01                                 | 400         | 400           | 200         | GET / HTTP/1.01\r\nHost: x\r\n\r\n
version: HTTP/1.2                                  | 505         | 400           | 505         | GET / HTTP/1.2\r\nHost: x\r\n\r\n
version: HTTP/1.9                                  | 505         | 400           | 505         | GET / HTTP/1.9\r\nHost: x\r\n\r\n
version: HTTP/2.0                                  | 505         | 400           | 505         | GET / HTTP/2.0\r\nHost: x\r\n\r\n
version: HTTP/3.0                                  | 505         | 400           | 505         | GET / HTTP/3.0\r\nHost: x\r\n\r\n
version: HTTP/0.9                                  | 505         | 400           | 505         | GET / HTTP/0.9\r\nHost: x\r\n\r\n
version: HTTP/9.9                                  | 505         | 400           | 505         | GET / HTTP/9.9\r\nHost: x\r\n\r\n
version: HTTP/1                                    | 400         | 400           | 400         | GET / HTTP/1\r\nHost: x\r\n\r\n
version: HTTP/                                     | 400         | 400           | 400         | GET / HTTP/\r\nHost: x\r\n\r\n
version: HTTP/1.1.1                                | 400         | 400           | 400         | GET / HTTP/1.1.1\r\nHost: x\r\n\r\n
version: HTTP/1.x                                  | 400         | 400           | 400         | GET / HTTP/1.x\r\nHost: x\r\n\r\n
version: http/1.1 in lower case                    | 400         | 400           | 400         | GET / http/1.1\r\nHost: x\r\n\r\n
version: HTTPS/1.1                                 | 400         | 400           | 400         | GET / HTTPS/1.1\r\nHost: x\r\n\r\n
version: FTP/1.1                                   | 400         | 400           | 400         | GET / FTP/1.1\r\nHost: x\r\n\r\n
version: no version (HTTP/0.9 style)               | 400         | 400           | 400         | GET /\r\n\r\n
version: the HTTP/2 preface                        | 505         | other         | 505         | PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n

# Targets
target: a fragment                                 | 400         | 404           | 400         | GET /#frag HTTP/1.1\r\nHost: x\r\n\r\n
target: a fragment after a query                   | 400         | 404           | 400         | GET /?a=1#frag HTTP/1.1\r\nHost: x\r\n\r\n
target: absolute-form                              | 200         | 200           | 200         | GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n
target: absolute-form https                        | 200         | 200           | 200         | GET https://x/ HTTP/1.1\r\nHost: x\r\n\r\n
target: absolute-form naming another host          | 200         | 200           | 200         | GET http://other/ HTTP/1.1\r\nHost: x\r\n\r\n
target: absolute-form with upper-case scheme       | 200         | 200           | 200         | GET HTTP://x/ HTTP/1.1\r\nHost: x\r\n\r\n
target: absolute-form ftp                          | 400         | 200           | 200         | GET ftp://x/ HTTP/1.1\r\nHost: x\r\n\r\n
target: absolute-form without a host               | 400         | 404           | 200         | GET http:/// HTTP/1.1\r\nHost: x\r\n\r\n
target: asterisk with GET                          | 400         | 400           | 400         | GET * HTTP/1.1\r\nHost: x\r\n\r\n
target: a target without a slash                   | 400         | 400           | 400         | GET index HTTP/1.1\r\nHost: x\r\n\r\n
target: an authority as target                     | 400         | 400           | 404         | GET x:80 HTTP/1.1\r\nHost: x\r\n\r\n
target: the index page                             | 200         | 200           | 200         | GET /index HTTP/1.1\r\nHost: x\r\n\r\n
target: a page that does not exist                 | 404         | 404           | 404         | GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n
target: dot-dot                                    | 404         | 404           | 404         | GET /.. HTTP/1.1\r\nHost: x\r\n\r\n
target: dot-dot traversal                          | 404         | 404           | 404         | GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n
target: dot-dot inside the path                    | 404         | 404           | 404         | GET /a/../index HTTP/1.1\r\nHost: x\r\n\r\n
target: percent-encoded dot-dot                    | 404         | 404           | 404         | GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n
target: percent-encoded slash traversal            | 404         | 404           | 404         | GET /..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\n\r\n
target: overlong UTF-8 slash                       | 404         | 404           | 404         | GET /..%c0%af..%c0%afetc HTTP/1.1\r\nHost: x\r\n\r\n
target: backslash traversal                        | 404         | 404           | 404         | GET /..\\..\\etc\\passwd HTTP/1.1\r\nHost: x\r\n\r\n
target: double slash                               | 200         | 200           | 200         | GET // HTTP/1.1\r\nHost: x\r\n\r\n
target: double slash before a host name            | 404         | 404           | 200         | GET //evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n
target: percent-encoded NUL                        | 404         | 404           | 404         | GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n
target: a lone percent                             | 400         | 400           | 404         | GET /% HTTP/1.1\r\nHost: x\r\n\r\n
target: a bad percent escape                       | 400         | 400           | 404         | GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n
target: percent-encoded invalid UTF-8              | 404         | 404           | 404         | GET /%ff HTTP/1.1\r\nHost: x\r\n\r\n
target: a raw Latin-1 byte in the path             | 404         | 400           | 400         | GET /\xe9 HTTP/1.1\r\nHost: x\r\n\r\n
target: a control byte in the path                 | 400         | 400           | 404         | GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n
target: DEL in the path                            | 400         | 400           | 404         | GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n
target: an escape sequence in the path             | 400         | 400           | 404         | GET /\x1b[31m HTTP/1.1\r\nHost: x\r\n\r\n
target: an unexpected query parameter              | 404         | 404           | 404         | GET /?a=1 HTTP/1.1\r\nHost: x\r\n\r\n
target: a bad percent escape in the query          | 404         | 404           | 404         | GET /?%zz HTTP/1.1\r\nHost: x\r\n\r\n
target: an empty query                             | 200         | 200           | 200         | GET /? HTTP/1.1\r\nHost: x\r\n\r\n
target: a semicolon path parameter                 | 404         | 404           | 404         | GET /;a=b HTTP/1.1\r\nHost: x\r\n\r\n

# Host
host: no Host on HTTP/1.1                          | 400         | 200           | 400         | GET / HTTP/1.1\r\n\r\n
host: two Host headers                             | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n
host: two equal Host headers                       | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\nHost: x\r\n\r\n
host: an empty Host                                | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost:\r\n\r\n
host: Host with a port                             | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x:8080\r\n\r\n
host: Host with an IPv6 address                    | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n
host: Host with a space                            | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: a b\r\n\r\n
host: Host with a slash                            | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x/y\r\n\r\n
host: Host with a path traversal                   | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: ../../etc\r\n\r\n
host: Host with userinfo                           | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: user:pw@x\r\n\r\n
host: Host with a question mark                    | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x?y\r\n\r\n
host: Host with a hash                             | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x#y\r\n\r\n
host: Host with a non-numeric port                 | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x:abc\r\n\r\n
host: Host with a huge port                        | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x:99999999\r\n\r\n
host: Host with a NUL                              | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n
host: Host with a Latin-1 byte                     | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: \xe9\r\n\r\n
host: Host of 4000 bytes                           | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: {4000*h}\r\n\r\n
host: Host in lower case name                      | 200         | 200           | 200         | GET / HTTP/1.1\r\nhost: x\r\n\r\n
host: Host with a space before the colon           | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost : x\r\n\r\n

# Header syntax
header: a header line without a colon              | 400         | 400           | 400         | GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n
header: a space before the colon                   | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-A : 1\r\n\r\n
header: a tab before the colon                     | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-A\t: 1\r\n\r\n
header: an empty header name                       | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\n: 1\r\n\r\n
header: a space inside the name                    | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX A: 1\r\n\r\n
header: a non-token byte in the name               | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX@A: 1\r\n\r\n
header: a Latin-1 byte in the name                 | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX\xe9: 1\r\n\r\n
header: an underscore in the name                  | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX_A: 1\r\n\r\n
header: obs-fold with a space                      | 400         | 400           | 400         | GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n
header: obs-fold with a tab                        | 400         | 400           | 400         | GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\t2\r\n\r\n
header: obs-fold of Host                           | 400         | 400           | 400         | GET / HTTP/1.1\r\nHost:\r\n x\r\n\r\n
header: a folded line first                        | 400         | 400           | 200         | GET / HTTP/1.1\r\n Host: x\r\n\r\n
header: a line of spaces                           | 400         | 400           | 400         | GET / HTTP/1.1\r\nHost: x\r\n   \r\n\r\n
header: NUL in a value                             | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n
header: CR in a value                              | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n
header: bare LF in a value (a hidden header)       | 400         | 200           | 400         | GET / HTTP/1.1\r\nHost: x\r\nX-A: a\nX-B: b\r\n\r\n
header: vertical tab in a value                    | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x0bb\r\n\r\n
header: form feed in a value                       | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x0cb\r\n\r\n
header: DEL in a value                             | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x7fb\r\n\r\n
header: escape byte in a value                     | 400         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-A: \x1b[2J\r\n\r\n
header: a tab in a value                           | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-A: a\tb\r\n\r\n
header: Latin-1 bytes in a value                   | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-A: caf\xe9\r\n\r\n
header: UTF-8 bytes in a value                     | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-A: caf\xc3\xa9\r\n\r\n
header: an empty value                             | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-A:\r\n\r\n
header: a value of spaces                          | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-A:    \r\n\r\n
header: no space after the colon                   | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost:x\r\n\r\n
header: a header of 6000 bytes                     | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\nX-Big: {6000*b}\r\n\r\n
header: a header of 20000 bytes                    | 431         | 200           | 413         | GET / HTTP/1.1\r\nHost: x\r\nX-Big: {20000*b}\r\n\r\n
header: 100 headers                                | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\n{100*X-H: v\r\n}\r\n
header: 1000 headers                               | 200         | 400           | 200         | GET / HTTP/1.1\r\nHost: x\r\n{1000*X-H: v\r\n}\r\n
header: a header name of 9000 bytes                | 431         | 200           | 413         | GET / HTTP/1.1\r\nHost: x\r\n{9000*N}: v\r\n\r\n
header: a header line cut by EOF                   | 400         | closed        | 400         | GET / HTTP/1.1\r\nHost: x\r\nX-A: 1<EOF>
header: Connection: close                          | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n
header: Connection: keep-alive on HTTP/1.0         | 200         | 200           | 200         | GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n
header: an Upgrade to websocket                    | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n
header: an Upgrade to h2c                          | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n

# Content-Length
CL: a body                                         | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc
CL: a plus sign                                    | 400         | 400           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc
CL: a minus sign                                   | 400         | 400           | 200 408     | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\nabc
CL: spaces around the value                        | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length:   3  \r\n\r\nabc
CL: a space inside the value                       | 400         | 400           | 400         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1 2\r\n\r\nabc
CL: a list of equal values                         | 400         | 400           | 400         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc
CL: a list of different values                     | 400         | 400           | 400         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\nabc
CL: hexadecimal                                    | 400         | 400           | 400         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0x3\r\n\r\nabc
CL: a decimal point                                | 400         | 400           | 400         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3.0\r\n\r\nabc
CL: an exponent                                    | 400         | 400           | 400         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3e0\r\n\r\nabc
CL: empty                                          | 400         | 400           | 400         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\nabc
CL: leading zeros                                  | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0003\r\n\r\nabc
CL: Unicode digits                                 | 400         | 400           | 400         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: \xb3\r\n\r\nabc
CL: a vertical tab before the value                | 400         | 400           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length:\x0b3\r\n\r\nabc
CL: twenty digits                                  | 400         | 400           | 413         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\nabc
CL: over the body limit                            | 413         | 413           | 413         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\nabc
CL: over the body limit, Expect 100-continue       | 413         | 100 413       | 413         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\nExpect: 100-continue\r\n\r\n
CL: two equal headers                              | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc
CL: two different headers                          | 400         | 400           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd
CL: a space before the colon                       | 400         | 400           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length : 3\r\n\r\nabc
CL: an underscore for the dash                     | 411         | 411           | 200 408     | POST /echo HTTP/1.1\r\nHost: x\r\nContent_Length: 3\r\n\r\nabc
CL: shorter than the body (the rest is a request)  | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nabc
CL: a body on GET                                  | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc
CL: a body that never comes                        | 408         | 408           | closed      | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc
CL: a body cut by EOF                              | 400         | 400           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc<EOF>
CL: a form body                                    | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=1
CL: a form body, bad percent escape                | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4\r\n\r\na=%z
CL: a body on HTTP/1.0                             | 200         | 200           | 200         | POST /echo HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc

# Transfer-Encoding
TE: chunked                                        | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: Chunked in mixed case                          | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: CHUNKED in upper case                          | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: chunked, chunked                               | 501         | 400           | 200 408     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: gzip, chunked                                  | 501         | 501           | 501         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: deflate, chunked                               | 501         | 501           | 501         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: deflate, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: identity, chunked                              | 501         | 400           | 501         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: chunked, gzip                                  | 400         | 400           | 501         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: identity                                       | 400         | 400           | 501         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\nabc
TE: gzip                                           | 400         | 400           | 501         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc
TE: empty                                          | 400         | 400           | 200 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: a leading space                                | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:    chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: a trailing space                               | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked   \r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: a leading tab                                  | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\tchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: a vertical tab before chunked                  | 400         | 400           | 200 408     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \x0bchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: a form feed after chunked                      | 400         | 400           | 200 408     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\x0c\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: a NUL after chunked                            | 400         | 400           | 501         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\0\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: xchunked                                       | 400         | 400           | 501         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: chunked with a parameter                       | 400         | 400           | 501         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked;q=1\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: quoted chunked                                 | 400         | 400           | 501         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "chunked"\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: chunked in two headers                         | 501         | 400           | 200 408     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: gzip then chunked in two headers               | 501         | 501           | 501         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: chunked then an unknown coding in two headers  | 400         | 400           | 501         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: on HTTP/1.0                                    | 400         | 400           | 200         | POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: on HTTP/1.0 with Content-Length                | 400         | 400           | 200         | POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc
TE: a space before the colon                       | 400         | 400           | 200 408     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: an underscore for the dash                     | 411 400     | 411 400       | 200 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer_Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: folded                                         | 400         | 400           | 400         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
TE: on GET                                         | 200         | 200           | 200 400     | GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n

# Smuggling: Content-Length with Transfer-Encoding
CL+TE: CL.TE, the rest would be a request          | 400         | 400           | 200 400     | POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG
CL+TE: TE.CL, a chunk would be a request           | 400         | 400           | 200 400     | POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n5c\r\nGPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 15\r\n\r\nx=1\r\n0\r\n\r\n
CL+TE: TE first, then CL                           | 400         | 400           | 200 400     | POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n
CL+TE: CL with an obfuscated TE                    | 400         | 400           | 501         | POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n
CL+TE: CL with TE chunked and a junk TE            | 400         | 400           | 501         | POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nTransfer-encoding: x\r\n\r\n0\r\n\r\n
CL+TE: CL with TE identity                         | 400         | 400           | 501         | POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: identity\r\n\r\nabc
CL+TE: CL 0 with a chunked request smuggled        | 400         | 400           | 200 400     | GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nZ\r\n0\r\n\r\n
CL+TE: CL with TE behind a space before the colon  | 400         | 400           | 200 400     | POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n
CL+TE: CL with a folded TE                         | 400         | 400           | 200 400     | POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nX: y\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n
CL+TE: CL with TE after a bare LF                  | 400         | 400           | 400         | POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nX: y\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n

# Chunked bodies
chunked: two chunks and the end                    | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n
chunked: an empty body                             | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n
chunked: upper-case hex size                       | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n
chunked: leading zeros in the size                 | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0003\r\nabc\r\n0\r\n\r\n
chunked: a chunk extension                         | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;name=value\r\nabc\r\n0\r\n\r\n
chunked: a quoted chunk extension                  | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;n="v; w"\r\nabc\r\n0\r\n\r\n
chunked: an empty chunk extension                  | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;\r\nabc\r\n0\r\n\r\n
chunked: a space before the extension              | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3 ;a=b\r\nabc\r\n0\r\n\r\n
chunked: a trailer field                           | 200         | 200           | 200 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n
chunked: a non-hex size                            | 400         | closed        | 500 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n
chunked: a 0x prefix                               | 400         | closed        | 200 408     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n
chunked: a negative size                           | 400         | closed        | 200 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n
chunked: a plus sign                               | 400         | closed        | 200 408     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n+3\r\nabc\r\n0\r\n\r\n
chunked: an empty size line                        | 400         | closed        | 500 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\r\nabc\r\n0\r\n\r\n
chunked: a size of 16 hex digits                   | 400         | 408           | 500 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc\r\n0\r\n\r\n
chunked: a size that wraps to 3 in 64 bits         | 400         | closed        | 500 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000003\r\nabc\r\n0\r\n\r\n
chunked: a chunk over the body limit               | 408         | 408           | 500 408     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\nabc
chunked: data longer than the size                 | 400         | closed        | 500 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n
chunked: data without its CRLF                     | 400         | closed        | 500 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc0\r\n\r\n
chunked: data followed by a bare LF                | 400         | closed        | 500 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n
chunked: bare LF line ends                         | 400         | 408           | 500 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n
chunked: a size line ending in a bare CR           | 400         | closed        | 500 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\rabc\r\n0\r\n\r\n
chunked: a NUL in the extension                    | 400         | closed        | 200 408     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;a\0\r\nabc\r\n0\r\n\r\n
chunked: a 5000-byte extension                     | 400         | 400           | 200 408     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;{5000*e}\r\nabc\r\n0\r\n\r\n
chunked: a 100000-byte extension                   | 400         | 400           | 413         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;{100000*e}\r\nabc\r\n0\r\n\r\n
chunked: a form with a 100000-byte extension       | 400         | 400           | 413         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n3;{100000*e}\r\na=1\r\n0\r\n\r\n
chunked: a 100000-byte extension on the last chunk | 400         | 400           | 413         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0;{100000*e}\r\n\r\n
chunked: a trailer without a colon                 | 400         | closed        | 200 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nbad trailer\r\n\r\n
chunked: a trailer with a NUL                      | 400         | closed        | 200 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: a\0b\r\n\r\n
chunked: trailers of 20000 bytes                   | 400         | 200           | 200 414     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: {20000*t}\r\n\r\n
chunked: a Content-Length trailer                  | 200         | 200           | 200 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nContent-Length: 50\r\n\r\n
chunked: the last chunk without its CRLF           | 408         | 408           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n
chunked: no last chunk                             | 408         | 408           | 500         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n
chunked: a body cut by EOF                         | 400         | 400           | 500         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab<EOF>
chunked: a form body                               | 200         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n3\r\na=1\r\n0\r\n\r\n
chunked: a form body with a non-hex size           | 400         | closed        | 500 400     | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\na=1\r\n0\r\n\r\n
chunked: a body the page does not read             | 200         | 200           | 200 400     | POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
chunked: a malformed body the page does not read   | 200         | closed        | 200 400     | POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n

# Pipelining
pipeline: two GETs                                 | 200 200     | 200 200       | 200 200     | GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /index HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: three GETs                               | 200 200 200 | 200 200 200   | 200 200 200 | GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: a GET then a 404                         | 200 404     | 200 404       | 200 404     | GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: a GET then a malformed request           | 200 400     | 200 400       | 200 505     | GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.10\r\nHost: x\r\n\r\n
pipeline: a malformed request then a GET           | 400         | 400           | 505         | GET / HTTP/1.10\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: a GET then garbage                       | 200 400     | 200 400       | 200 400     | GET / HTTP/1.1\r\nHost: x\r\n\r\n\x01\x02\x03\r\n\r\n
pipeline: a sized POST then a GET                  | 200 200     | 200 200       | 200 200     | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: a chunked POST then a GET                | 200 200     | 200 200       | 200 200     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: an unread sized body then a GET          | 200 200     | 200 200       | 200 200     | POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: an unread chunked body then a GET        | 200 200     | 200 200       | 200 400     | POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: Connection: close then a GET             | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: HTTP/1.0 then a GET                      | 200         | 200           | 200         | GET / HTTP/1.0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: a HEAD then a GET                        | 200 200     | 200 200       | 200 200     | HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: a 413 then a GET                         | 413         | 413           | 413         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: gzip, chunked then a GET                 | 501         | 501           | 501         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: a malformed chunked body then a GET      | 400         | closed        | 500 200     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n
pipeline: a GET then a request cut by EOF          | 200 400     | 200           | 200 400     | GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HT<EOF>
pipeline: a GET then a head that never ends        | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n
pipeline: a GET then bare LF                       | 200 400     | 200 200       | 200 400     | GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\nHost: x\n\n
pipeline: a GET then HTTP/2.0                      | 200 505     | 200 400       | 200 505     | GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/2.0\r\nHost: x\r\n\r\n
pipeline: a request hidden in a header value       | 200 404     | 200 404       | 200 404     | GET / HTTP/1.1\r\nHost: x\r\nX: 1\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n

# Early close
eof: a GET then EOF                                | 200         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\n\r\n<EOF>
eof: two GETs then EOF                             | 200 200     | 200 200       | 200 200     | GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n<EOF>
eof: half a method then EOF                        | 400         | closed        | 400         | GE<EOF>
eof: a sized POST cut in the head                  | 400         | closed        | 400         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Le<EOF>
eof: a chunked POST cut in a size line             | 400         | 400           | 500         | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3<EOF>
eof: a chunked POST cut in the trailers            | 400         | 400           | 200 400     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1<EOF>

# Expect
expect: 100-continue with a body                   | 100 200     | 100 200       | 100 200     | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc
expect: 100-continue, body not read                | 100 200     | 100 200       | 100         | POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n
expect: 100-Continue in mixed case                 | 100 200     | 100 200       | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-Continue\r\n\r\nabc
expect: 100-continue on HTTP/1.0                   | 200         | 100 200       | 100 200     | POST /echo HTTP/1.0\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc
expect: 100-continue on GET without a body         | 200         | 200           | 100 200     | GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n
expect: 100-continue with chunked                  | 100 200     | 100 200       | 100 200     | POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n3\r\nabc\r\n0\r\n\r\n
expect: an unknown expectation                     | 417         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: magic\r\n\r\nabc
expect: 100-continue with a parameter              | 417         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue;a=b\r\n\r\nabc
expect: 100-continue and another                   | 417         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue, magic\r\n\r\nabc
expect: an empty Expect                            | 417         | 200           | 200         | POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect:\r\n\r\nabc
expect: 102-processing                             | 417         | 200           | 200         | GET / HTTP/1.1\r\nHost: x\r\nExpect: 102-processing\r\n\r\n
`;
