# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""A small web server with adafruit_httpserver (TinyGo examples/net/webserver):

* ``/``       a page that counts your visits with a cookie, with buttons for the LED
* ``/hello``  says hello
* ``/cnt``    a counter as JSON; POST ``cnt=<number>`` sets it (``0x10`` works too)
* ``/6``      a little falling-blocks game
* ``/on``, ``/off``  switch the board's LED (when it has one)

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, LISTEN_ADDRESS (default ":80"),
EXAMPLE_ITERATIONS (requests to answer before stopping, 0 = forever), EXAMPLE_LIFETIME
(seconds before stopping, 0 = forever).
"""

import os
import time

from adafruit_httpserver import GET, NO_REQUEST, POST, JSONResponse, Response, Server

from adafruit_netdev import deadline, expired
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe
from adafruit_netdev.socketpool import SocketPool

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

LISTEN = os.getenv("LISTEN_ADDRESS", ":80")
REQUESTS = int(os.getenv("EXAMPLE_ITERATIONS", "0"))
LIFETIME = float(os.getenv("EXAMPLE_LIFETIME", "0"))

# The board's LED, when there is one (a computer has none: the pages still show its state).
try:
    import board
    import digitalio

    led = digitalio.DigitalInOut(board.LED)
    led.switch_to_output()
except (ImportError, AttributeError, NotImplementedError, RuntimeError, ValueError):
    led = None
led_on = False

HOME_PAGE = """<!DOCTYPE html>
<html><head><title>adafruit_netdev web server</title></head><body>
<h1>adafruit_netdev web server</h1>
<p>access: %d</p>
<p>led: %s <button onclick="fetch('/on')">on</button> <button onclick="fetch('/off')">off</button></p>
<p>cnt: <span id="cnt">?</span> <button onclick="add()">+1</button></p>
<p><a href="/hello">/hello</a> <a href="/6">/6</a></p>
<script>
function show(r) { r.json().then(function (j) { document.getElementById("cnt").textContent = j.cnt; }); }
function add() {
  var n = Number(document.getElementById("cnt").textContent) + 1;
  fetch("/cnt", {method: "POST", body: "cnt=" + n,
                 headers: {"Content-Type": "application/x-www-form-urlencoded"}}).then(show);
}
fetch("/cnt").then(show);
</script></body></html>
"""

# A tiny falling-blocks game: arrow keys move, up turns, down drops.
GAME_PAGE = """<!DOCTYPE html><html><body style="background:#222;color:#eee;text-align:center">
<canvas id="c" width="200" height="400"></canvas><p id="s"></p><script>
var W=10,H=20,S=20,C=document.getElementById("c").getContext("2d"),g=[],score=0,p,x,y,k,
B=[[[1,1,1,1]],[[1,1],[1,1]],[[0,1,0],[1,1,1]],[[1,0,0],[1,1,1]],[[0,0,1],[1,1,1]],
[[1,1,0],[0,1,1]],[[0,1,1],[1,1,0]]],K=["#0dd","#dd0","#a3d","#36f","#f90","#3c3","#e33"];
function row(){return Array(W).fill(0)}
function hit(q,a,b){for(var i=0;i<q.length;i++)for(var j=0;j<q[i].length;j++)
 if(q[i][j]&&(b+i>=H||a+j<0||a+j>=W||g[b+i][a+j]))return true;return false}
function next(){k=Math.floor(Math.random()*7);p=B[k];x=3;y=0;
 if(hit(p,x,y)){g=g.map(row);score=0}}
function turn(q){return q[0].map(function(_,j){return q.map(function(r){return r[j]}).reverse()})}
function land(){p.forEach(function(r,i){r.forEach(function(v,j){if(v)g[y+i][x+j]=k+1})});
 g=g.filter(function(r){return r.indexOf(0)>=0});while(g.length<H){g.unshift(row());score+=10}next()}
function fall(){if(hit(p,x,y+1))land();else y++;draw()}
function box(c,i,j){C.fillStyle=c;C.fillRect(j*S,i*S,S-1,S-1)}
function draw(){C.fillStyle="#000";C.fillRect(0,0,W*S,H*S);
 g.forEach(function(r,i){r.forEach(function(v,j){if(v)box(K[v-1],i,j)})});
 p.forEach(function(r,i){r.forEach(function(v,j){if(v)box(K[k],y+i,x+j)})});
 document.getElementById("s").textContent="score "+score}
document.onkeydown=function(e){var q;if(e.keyCode==37&&!hit(p,x-1,y))x--;
 if(e.keyCode==39&&!hit(p,x+1,y))x++;if(e.keyCode==40)fall();
 if(e.keyCode==38){q=turn(p);if(!hit(q,x,y))p=q}draw()};
for(var i=0;i<H;i++)g.push(row());next();draw();setInterval(fall,500);
</script></body></html>
"""

counter = 0  # what /cnt shows


def set_led(on):
    global led_on
    led_on = on
    if led is not None:
        led.value = on
    print("LED", "on" if on else "off")


# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)
server = Server(SocketPool(dev))


@server.route("/")
def home(request):
    # The visit counter lives in the browser: a cookie we send back one higher each time.
    visits = request.cookies.get("access")
    try:
        visits = 1 if visits is None else int(visits) + 1
    except ValueError:
        return Response(request, "bad access cookie", status=(400, "Bad Request"))
    page = HOME_PAGE % (visits, "on" if led_on else "off")
    return Response(request, page, content_type="text/html", cookies={"access": str(visits)})


@server.route("/hello")
def hello(request):
    return Response(request, "hello", content_type="text/plain; charset=UTF-8")


@server.route("/cnt", [GET, POST])
def cnt(request):
    global counter
    if request.method == POST:
        value = request.query_params.get("cnt") or request.form_data.get("cnt")
        if value is not None:
            try:
                counter = int(value, 0)  # base 0: "16", "0x10" and "0o20" all work
            except ValueError:
                return Response(request, "cnt must be a number", status=(400, "Bad Request"))
    return JSONResponse(request, {"cnt": counter})


@server.route("/6")
def game(request):
    return Response(request, GAME_PAGE, content_type="text/html")


@server.route("/on")
def on(request):
    set_led(True)
    return Response(request, "led.value = True")


@server.route("/off")
def off(request):
    set_led(False)
    return Response(request, "led.value = False")


host, port = LISTEN.split(":")
server.start(host or "0.0.0.0", int(port))
print("Listening on http://%s:%s/" % (dev.addr(), port))

stop_at = deadline(LIFETIME) if LIFETIME else None
answered = 0
while answered != REQUESTS and not expired(stop_at):
    try:
        if server.poll() == NO_REQUEST:
            time.sleep(0.01)  # nobody there: rest a moment
        else:
            answered += 1
    except OSError as error:  # a client went away mid-request: serve the next one
        print("Request failed:", error)
server.stop()
print("Server stopped after", answered, "requests")
