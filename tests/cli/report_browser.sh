#!/usr/bin/env bash
# spikestack report in a real browser: render a report, open index.html in headless Chromium
# through chromedriver (WebDriver over HTTP, python3 standard library only) and assert that it
# loads with no console errors and no network requests, that every expected chart is a
# non-empty SVG, and that a phone-width window does not scroll sideways. Saves a screenshot.
#   bash report_browser.sh <spikestack> <source-dir>
# REPORT_DOC: the document to render (default: a fresh `spikestack run` on the shipped default;
# tests/report/fixtures/report.json is the renderer's fixture). REPORT_OUT: where to render (default: test-out/report
# next to the binary, i.e. in the build tree, so the screenshot survives; printed at the end).
SS=$1; SRC=$2
. "$SRC/tests/cli/lib.sh"
OUT=${REPORT_OUT:-$(cd "$(dirname "$SS")" && pwd)/test-out/report}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# the real thing: a study on the shipped default (small subset) unless REPORT_DOC names one
if [ -z "${REPORT_DOC:-}" ]; then
  if ! "$SS" run -n 200 --sim-samples 16 -o "$work/run" -q; then echo "FAIL: spikestack run"; exit 1; fi
  DOC=$work/run/report.json
else
  DOC=$REPORT_DOC
fi

CHROME=""
for c in /usr/lib/chromium/chromium "$(command -v chromium 2>/dev/null)" "$(command -v chromium-browser 2>/dev/null)"; do
  [ -n "$c" ] && [ -x "$c" ] && { CHROME=$c; break; }
done
DRIVER=$(command -v chromedriver 2>/dev/null || true)
if [ -z "$CHROME" ] || [ -z "$DRIVER" ]; then
  echo "FAIL: headless Chromium is required: chromium='$CHROME' chromedriver='$DRIVER';" \
       "install the Debian packages chromium and chromium-driver (scripts/setup.sh does)"
  exit 1
fi

# wrong input: one clear line, exit 1
echo '{"schema": "spikestack.report/1"}' > "$work/bad.json"
expect_fail "bad.json" "title" "missing field" -- "$SS" report "$work/bad.json" --out "$work/bad"
echo '{ not json' > "$work/broken.json"
expect_fail "broken.json" "not valid JSON" -- "$SS" report "$work/broken.json" --out "$work/bad"
expect_fail "nope.json" -- "$SS" report "$work/nope.json" --out "$work/bad"
"$SS" report "$DOC" >/dev/null 2>&1; [ $? -eq 2 ] && passes=$((passes+1)) || { echo "FAIL: missing --out is a usage error (2)"; fails=$((fails+1)); }

# happy path
if ! "$SS" report "$DOC" --out "$OUT" -q; then echo "FAIL: spikestack report $DOC"; finish; exit 1; fi
passes=$((passes+1))

timeout -k 5 45 /usr/bin/python3 - "$OUT" "$CHROME" "$DRIVER" "$work" <<'PY' && passes=$((passes+1)) || { echo "FAIL: browser checks"; fails=$((fails+1)); }
import base64, json, os, re, socket, subprocess, sys, time, urllib.request

out, chrome, driver, work = sys.argv[1:5]
page = os.path.join(os.path.abspath(out), "index.html")
doc = json.load(open(os.path.join(out, "report.json")))

def slug(s):
    r = re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")
    return r or "x"
expected = ["change-overview"] + ["metric-" + slug(k) for k in doc["styles"][0]["metrics"]] + \
    ["energy-breakdown", "area-breakdown"] + \
    ["thermal-%s-%s" % (slug(s["name"]), slug(t["tier"])) for s in doc["styles"] for t in s["thermal"]] + \
    ["layer-latency", "firing-rate", "firing-rate-lines", "expert-usage"]

sock = socket.socket(); sock.bind(("127.0.0.1", 0)); port = sock.getsockname()[1]; sock.close()
base = "http://127.0.0.1:%d" % port
log = open(os.path.join(work, "chromedriver.log"), "w")
proc = subprocess.Popen([driver, "--port=%d" % port], stdout=log, stderr=subprocess.STDOUT)

def call(method, path, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.load(r)["value"]
    except urllib.error.HTTPError as e:
        raise SystemExit("webdriver %s %s: %s" % (method, path, e.read().decode()[:500]))

def script(js):
    return call("POST", "/session/%s/execute/sync" % sid, {"script": js, "args": []})

failures = []
sid = None
try:
    for _ in range(100):
        try:
            if call("GET", "/status", timeout=2).get("ready"): break
        except (OSError, SystemExit):
            pass
        time.sleep(0.1)
    else:
        raise SystemExit("chromedriver did not start on port %d" % port)
    caps = {"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:loggingPrefs": {"browser": "ALL"},
        "goog:chromeOptions": {"binary": chrome, "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + os.path.join(work, "profile"),
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-default-apps", "--disable-extensions", "--window-size=1280,900"]}}}}
    sid = call("POST", "/session", caps, timeout=40)["sessionId"]
    call("POST", "/session/%s/url" % sid, {"url": "file://" + page})
    for _ in range(100):
        if script("return document.readyState") == "complete": break
        time.sleep(0.05)

    charts = script("""
      return Array.from(document.querySelectorAll('figure.chart')).map(f => {
        const s = f.querySelector(':scope > svg'); const r = s ? s.getBoundingClientRect() : null;
        return {id: f.dataset.chart, svg: !!s, marks: s ? s.querySelectorAll('rect,path,circle,line,text').length : 0,
                w: r ? r.width : 0, h: r ? r.height : 0, caption: !!f.querySelector('figcaption')};
      });""")
    got = {c["id"]: c for c in charts}
    for cid in expected:
        c = got.get(cid)
        if c is None: failures.append("chart %s missing" % cid); continue
        if not c["svg"] or c["marks"] < 3 or c["w"] < 50 or c["h"] < 30 or not c["caption"]:
            failures.append("chart %s is empty or unlabelled: %s" % (cid, c))
    extra = set(got) - set(expected)
    if extra: failures.append("unexpected charts %s" % sorted(extra))
    if len(charts) != len(got): failures.append("duplicate chart ids")
    table = script("return document.querySelectorAll('#headline tbody tr').length")
    if table != len(doc["styles"][0]["metrics"]):
        failures.append("headline table has %s rows, expected %d" % (table, len(doc["styles"][0]["metrics"])))
    resources = script("return performance.getEntriesByType('resource').map(e => e.name)")
    if resources: failures.append("page loaded resources: %s" % resources)

    logs = call("POST", "/session/%s/se/log" % sid, {"type": "browser"})
    errors = [l for l in logs if l.get("level") == "SEVERE"]
    if errors: failures.append("console errors: %s" % [l["message"] for l in errors])

    # phone width: the page reflows instead of scrolling sideways
    call("POST", "/session/%s/window/rect" % sid, {"width": 400, "height": 900})
    time.sleep(0.2)
    sw = script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if sw[0] > sw[1] + 1: failures.append("at 400 px the page is %d px wide (scrolls sideways)" % sw[0])

    call("POST", "/session/%s/window/rect" % sid, {"width": 1280, "height": 900})
    height = script("return Math.ceil(document.documentElement.scrollHeight)")
    call("POST", "/session/%s/window/rect" % sid, {"width": 1280, "height": min(int(height) + 120, 16000)})
    time.sleep(0.3)
    png = base64.b64decode(call("GET", "/session/%s/screenshot" % sid))
    shot = os.path.join(out, "screenshot.png")
    open(shot, "wb").write(png)
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 20000: failures.append("screenshot looks empty (%d bytes)" % len(png))
    print("%d charts checked, page %d px tall, screenshot %s" % (len(expected), height, shot))
finally:
    if sid:
        try: call("DELETE", "/session/" + sid, timeout=10)
        except BaseException: pass
    proc.terminate()
    try: proc.wait(5)
    except subprocess.TimeoutExpired: proc.kill()
for f in failures: print("FAIL:", f)
sys.exit(1 if failures else 0)
PY
echo "report: $OUT/index.html"
finish
