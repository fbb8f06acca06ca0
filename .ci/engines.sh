# Sourced by .ci/run: install and start the SPARQL servers and the browser the engine tests use,
# all on 127.0.0.1 and under one scratch directory, and stop them when .ci/run exits.
#   Virtuoso 7.2.5   Debian virtuoso-opensource, with the package's own virtuoso.ini settings
#                    (query cost and time limits, result row cap) so the suite meets the
#                    defaults a user's Virtuoso has; only paths and ports are changed.
#   Oxigraph server  PyPI oxigraph (the CLI, a prebuilt wheel) in its own venv.
#   Chromium         Debian chromium, driven by npm playwright-core from tests/browser/.
# The tests load the graph they build into both servers themselves, with `smr-kg publish`
# (tests/engines.py), so what they query is exactly that session's build.

ENGINES_DIR="$(mktemp -d "${TMPDIR:-/tmp}/smr-kg-ci.XXXXXX")"
ENGINE_PIDS=()

stop_engines() {
    local pid
    for pid in "${ENGINE_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${ENGINE_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$ENGINES_DIR"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for URL SECONDS: poll until URL answers 200 (the servers take a few seconds to open).
wait_for() {
    python3 - "$1" "$2" <<'PY'
import sys, time, urllib.request
url, limit = sys.argv[1], time.monotonic() + float(sys.argv[2])
while time.monotonic() < limit:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            if response.status == 200:
                sys.exit(0)
    except OSError:
        time.sleep(0.5)
sys.exit(f"no answer from {url}")
PY
}

install_engine_packages() {
    local missing=()
    command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    if [ "${#missing[@]}" -gt 0 ]; then
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

start_virtuoso() {
    local dir="$ENGINES_DIR/virtuoso" http sql
    mkdir -p "$dir"
    http="$(free_port)"; sql="$(free_port)"
    sed -e "s#/var/lib/virtuoso-opensource-7/db#$dir#" \
        -e "/^\[Parameters\]/,/^\[/ s#^ServerPort .*#ServerPort = 127.0.0.1:$sql#" \
        -e "/^\[HTTPServer\]/,/^\[/ s#^ServerPort .*#ServerPort = 127.0.0.1:$http#" \
        -e "s#^DirsAllowed .*#DirsAllowed = ., /usr/share/virtuoso-opensource-7/vad, $dir#" \
        /etc/virtuoso-opensource-7/virtuoso.ini > "$dir/virtuoso.ini"
    (cd "$dir" && exec virtuoso-t +foreground +configfile "$dir/virtuoso.ini" >"$dir/console.log" 2>&1) &
    ENGINE_PIDS+=($!)
    wait_for "http://127.0.0.1:$http/sparql?query=ASK%7B%7D" 120 || { tail -20 "$dir/virtuoso.log" >&2; return 1; }
    mkdir -p "$dir/load"
    export SMR_KG_TEST_VIRTUOSO="http://127.0.0.1:$http" SMR_KG_TEST_VIRTUOSO_PASSWORD=dba \
        SMR_KG_TEST_VIRTUOSO_ISQL="$sql" SMR_KG_TEST_VIRTUOSO_LOAD_DIR="$dir/load"
    echo "Virtuoso $(virtuoso-t -? 2>&1 | grep -o 'Version [0-9.]*' | head -n 1) at $SMR_KG_TEST_VIRTUOSO"
}

start_oxigraph() {
    local port
    python3 -m venv "$ENGINES_DIR/oxigraph-venv"
    "$ENGINES_DIR/oxigraph-venv/bin/pip" install -q 'oxigraph>=0.5,<0.6'
    port="$(free_port)"
    "$ENGINES_DIR/oxigraph-venv/bin/oxigraph" serve --location "$ENGINES_DIR/oxigraph" \
        --bind "127.0.0.1:$port" >"$ENGINES_DIR/oxigraph.log" 2>&1 &
    ENGINE_PIDS+=($!)
    wait_for "http://127.0.0.1:$port/query?query=ASK%7B%7D" 60 || { tail -20 "$ENGINES_DIR/oxigraph.log" >&2; return 1; }
    export SMR_KG_TEST_OXIGRAPH="http://127.0.0.1:$port"
    echo "$("$ENGINES_DIR/oxigraph-venv/bin/oxigraph" --version) server at $SMR_KG_TEST_OXIGRAPH"
}

start_engines() {
    trap stop_engines EXIT
    install_engine_packages
    start_virtuoso
    start_oxigraph
    npm ci --prefix tests/browser --no-audit --no-fund --silent
    # From here on, a test that needs one of these and finds it missing fails instead of skipping.
    export SMR_KG_REQUIRE="virtuoso,oxigraph-server,chromium${SMR_KG_REQUIRE:+,$SMR_KG_REQUIRE}"
}
