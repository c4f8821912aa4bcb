#!/usr/bin/env bash
# LocalStack's own runtime on this machine, without Docker and without an auth token (host mode),
# for LocalStackIT: S3, DynamoDB, EventBridge, SQS and STS on http://127.0.0.1:<port>.
#
#   scripts/localstack-host.sh install # only the Python part (.ci/run does it in the background during verify)
#   scripts/localstack-host.sh start   # installs what is missing (cached), starts, waits until healthy
#   scripts/localstack-host.sh env     # prints `export FRESHET_LOCALSTACK_ENDPOINT=...` of the running one
#   scripts/localstack-host.sh stop    # stops it (and the DynamoDB Local it started)
#   scripts/localstack-host.sh status
#
# What `start` needs and does (docs/local.md, "LocalStack without Docker"):
# - Python 3.13 (LocalStack 2026.3 uses 3.13 syntax and APIs): $FRESHET_PYTHON, else
#   /root/.pyenv/versions/3.13.*/bin/python3, else python3.13 on PATH;
# - a JDK 21+ ($JAVA_HOME, the java on PATH, else the newest under /usr/lib/jvm): LocalStack runs
#   DynamoDB Local with it, and `jar`/`javac` build the two small jars below;
# - a venv with localstack-core[runtime]==$LOCALSTACK_VERSION, every package pinned by
#   scripts/localstack-constraints.txt, cached in ${XDG_CACHE_HOME:-~/.cache}/freshet/localstack-<version>;
# - DynamoDB Local laid out where LocalStack would download it (it cannot offline): the jars of
#   com.amazonaws:DynamoDBLocal at the version pom.xml pins, through Maven; a DynamoDBLocal.jar
#   whose manifest names them (LocalStack runs `java -jar`); an empty -javaagent jar standing for
#   LocalStack's ddb-local-loader; java/21 pointing at the JDK. Cached next to the venv.
# State (pid, port, log, LocalStack's FILESYSTEM_ROOT) lives in $FRESHET_LOCALSTACK_STATE,
# default target/localstack-host/ of this repository; each start begins with an empty one.
set -euo pipefail

LOCALSTACK_VERSION=2026.3.0
SERVICES=s3,dynamodb,events,sqs,sts
DEFAULT_PORT=4566
START_TIMEOUT="${FRESHET_LOCALSTACK_START_TIMEOUT:-180}"   # seconds, health and a first DynamoDB call

repo="$(cd "$(dirname "$0")/.." && pwd)"
constraints="$repo/scripts/localstack-constraints.txt"
state="${FRESHET_LOCALSTACK_STATE:-$repo/target/localstack-host}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/freshet/localstack-$LOCALSTACK_VERSION"

say() { echo "localstack-host: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
die() { say "$*"; exit 1; }

# ------------------------------------------------------------------ prerequisites

find_python() {
  local p
  for p in "${FRESHET_PYTHON:-}" /root/.pyenv/versions/3.13*/bin/python3 "$(command -v python3.13 2>/dev/null || true)"; do
    [ -n "$p" ] && [ -x "$p" ] || continue
    if "$p" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else 1)' 2>/dev/null; then
      echo "$p"; return
    fi
  done
  die "LocalStack $LOCALSTACK_VERSION needs Python 3.13 (3.11 and 3.12 fail at import) and none was found:
  looked at \$FRESHET_PYTHON, /root/.pyenv/versions/3.13*/bin/python3 and python3.13 on PATH.
  Install one (e.g. \`pyenv install 3.13\`) or set FRESHET_PYTHON=/path/to/python3.13."
}

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n1
}

find_jdk() {
  local j v d best="" best_v=0
  for j in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null || true)"; do
    [ -n "$j" ] && [ -x "$j" ] || continue
    d="$(dirname "$(dirname "$(readlink -f "$j")")")"
    v="$(java_major "$j")"
    if [ "${v:-0}" -ge 21 ] && [ -x "$d/bin/jar" ] && [ -x "$d/bin/javac" ]; then echo "$d"; return; fi
  done
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [ -x "$d/bin/jar" ] && [ -x "$d/bin/javac" ] || continue
    v="$(java_major "$d/bin/java")"
    if [ "${v:-0}" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  [ -n "$best" ] || die "no JDK 21+ with jar and javac found (JAVA_HOME, PATH, /usr/lib/jvm): DynamoDB Local runs on it"
  echo "$best"
}

# The venv, built once per LocalStack version and constraints file; a lock keeps two starts from
# building it at the same time.
ensure_venv() {
  local python="$1" want have
  want="$("$python" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest()[:16])' "$constraints")"
  mkdir -p "$(dirname "$cache")"
  exec 8>"$cache.lock"
  flock 8
  have="$(cat "$cache/venv/.freshet-ready" 2>/dev/null || true)"
  if [ "$have" != "$want" ]; then
    local t0; t0="$(now)"
    say "installing localstack-core[runtime]==$LOCALSTACK_VERSION into $cache/venv (once; a minute or two)"
    rm -rf "$cache/venv"
    "$python" -m venv "$cache/venv"
    "$cache/venv/bin/python" -m pip install -q -c "$constraints" "localstack-core[runtime]==$LOCALSTACK_VERSION" service_identity \
      || die "pip could not install LocalStack $LOCALSTACK_VERSION (constraints: $constraints)"
    "$cache/venv/bin/python" -c 'import localstack.runtime.main' \
      || die "LocalStack $LOCALSTACK_VERSION installed but does not import with $("$python" --version)"
    echo "$want" > "$cache/venv/.freshet-ready"
    say "installed in $(since "$t0") s"
  fi
  flock -u 8
}

# DynamoDB Local as LocalStack expects it under lib/dynamodb-local/2, from Maven (pom.xml's version).
ensure_dynamodb_local() {
  local jdk="$1" version dir tmp
  version="$(sed -n 's:.*<dynamodb-local.version>\(.*\)</dynamodb-local.version>.*:\1:p' "$repo/pom.xml" | head -n1)"
  [ -n "$version" ] || die "pom.xml pins no <dynamodb-local.version>"
  dir="$cache/dynamodb-local-$version"
  exec 8>"$cache.lock"
  flock 8
  if [ ! -f "$dir/.freshet-ready" ]; then
    local t0; t0="$(now)"
    say "laying out DynamoDB Local $version for LocalStack in $dir"
    rm -rf "$dir" && mkdir -p "$dir/DynamoDBLocal_lib"
    tmp="$(mktemp -d)"
    # The parent pom's dependency management: the same DynamoDB Local and SDK pins as the tests.
    # Maven 3 joins relativePath to the project's directory even when it is absolute: relative it is.
    cat > "$tmp/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>io.freshet</groupId><artifactId>freshet-parent</artifactId><version>0.1.0-SNAPSHOT</version>
    <relativePath>$(realpath --relative-to="$tmp" "$repo/pom.xml")</relativePath>
  </parent>
  <artifactId>freshet-localstack-dynamodb-local</artifactId>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>com.amazonaws</groupId><artifactId>DynamoDBLocal</artifactId><version>$version</version></dependency>
    <dependency><groupId>software.amazon.awssdk</groupId><artifactId>cognitoidentity</artifactId></dependency>
    <dependency><groupId>software.amazon.awssdk</groupId><artifactId>pinpoint</artifactId></dependency>
  </dependencies>
</project>
EOF
    (cd "$repo" && JAVA_HOME="$jdk" ./mvnw -B -ntp -q -f "$tmp/pom.xml" \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$dir/DynamoDBLocal_lib") >&2 \
      || die "Maven could not resolve com.amazonaws:DynamoDBLocal:$version and its dependencies"

    # DynamoDBLocal.jar: nothing but a manifest, the way AWS's archive has it (LocalStack runs `java -jar`).
    "$cache/venv/bin/python" - "$dir" > "$tmp/MANIFEST.MF" <<'EOF'
import os, sys
jars = sorted(f for f in os.listdir(os.path.join(sys.argv[1], "DynamoDBLocal_lib")) if f.endswith(".jar"))
def header(name, value):  # manifest lines are at most 72 bytes; a continuation starts with a space
    line, out = (name + ": " + value).encode(), []
    out.append(line[:72]); line = line[72:]
    while line:
        out.append(b" " + line[:71]); line = line[71:]
    return b"\n".join(out).decode() + "\n"
sys.stdout.write("Manifest-Version: 1.0\n")
sys.stdout.write(header("Main-Class", "com.amazonaws.services.dynamodbv2.local.main.ServerRunner"))
sys.stdout.write(header("Class-Path", " ".join("DynamoDBLocal_lib/" + j for j in jars)))
EOF
    mkdir -p "$tmp/empty"
    "$jdk/bin/jar" --create --file "$dir/DynamoDBLocal.jar" --manifest "$tmp/MANIFEST.MF" -C "$tmp/empty" . >&2

    # LocalStack adds -javaagent:ddb-local-loader-0.1.jar (its patch for more than 20 GSIs, downloaded
    # from GitHub): an agent that does nothing stands for it; Freshet's table has two GSIs.
    mkdir -p "$tmp/agent/src/io/freshet/localstack" "$tmp/agent/classes"
    cat > "$tmp/agent/src/io/freshet/localstack/NoOpAgent.java" <<'EOF'
package io.freshet.localstack;

/** Stands for LocalStack's ddb-local-loader agent, which cannot be downloaded offline. */
public final class NoOpAgent {
    private NoOpAgent() {
    }

    public static void premain(String args, java.lang.instrument.Instrumentation instrumentation) {
        // nothing to patch
    }
}
EOF
    "$jdk/bin/javac" --release 17 -d "$tmp/agent/classes" "$tmp/agent/src/io/freshet/localstack/NoOpAgent.java" >&2
    printf 'Premain-Class: io.freshet.localstack.NoOpAgent\n' > "$tmp/agent/MANIFEST.MF"
    "$jdk/bin/jar" --create --file "$dir/ddb-local-loader-0.1.jar" --manifest "$tmp/agent/MANIFEST.MF" -C "$tmp/agent/classes" . >&2
    rm -rf "$tmp"
    touch "$dir/.freshet-ready"
    say "laid out in $(since "$t0") s"
  fi
  flock -u 8
  echo "$dir"
}

# ------------------------------------------------------------------ running

port_free() {
  "$cache/venv/bin/python" -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

any_free_port() {
  "$cache/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The pid in the state directory, if that process is still our LocalStack.
running_pid() {
  local pid
  pid="$(cat "$state/pid" 2>/dev/null || true)"
  [ -n "$pid" ] || return 1
  ps -p "$pid" -o args= 2>/dev/null | grep -q 'localstack.runtime.main' || return 1
  echo "$pid"
}

print_log() {
  if [ -f "$state/localstack.log" ]; then
    say "last lines of $state/localstack.log:"
    tail -n "${1:-60}" "$state/localstack.log" >&2
  fi
}

# Every process below $1 (DynamoDB Local runs in a session of its own, so not in LocalStack's group).
descendants() {
  ps -eo pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END {
      found[root] = 1
      do { more = 0; for (p in parent) if (!(p in found) && (parent[p] in found)) { found[p] = 1; more = 1 } } while (more)
      for (p in found) if (p != root) print p
    }'
}

stop() {
  local pid i children left
  if ! pid="$(running_pid)"; then
    rm -f "$state/pid"
    say "not running"
    return 0
  fi
  children="$(descendants "$pid" | tr '\n' ' ')"
  # LocalStack stops the DynamoDB Local it started when it gets SIGTERM.
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 75); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "LocalStack (pid $pid) did not stop within 15 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  left=""
  for i in $children; do
    kill -0 "$i" 2>/dev/null && left="$left $i"
  done
  if [ -n "$left" ]; then
    say "killing what LocalStack left running:$left"
    kill -KILL $left 2>/dev/null || true
  fi
  rm -f "$state/pid"
  say "stopped (pid $pid)"
}

start() {
  local python jdk ddb port pid fs t0 t1
  if pid="$(running_pid)"; then
    say "already running (pid $pid) at $(cat "$state/endpoint")"
    return 0
  fi
  t0="$(now)"
  python="$(find_python)"
  jdk="$(find_jdk)"
  ensure_venv "$python"
  ddb="$(ensure_dynamodb_local "$jdk")"

  rm -rf "$state" && mkdir -p "$state"
  fs="$state/fs"
  mkdir -p "$fs/var/lib/localstack/lib/java" "$fs/var/lib/localstack/lib/dynamodb-local"
  ln -s "$jdk" "$fs/var/lib/localstack/lib/java/21"
  ln -s "$ddb" "$fs/var/lib/localstack/lib/dynamodb-local/2"

  port="${FRESHET_LOCALSTACK_PORT:-$DEFAULT_PORT}"
  if ! port_free "$port"; then
    say "port $port is taken; using another"
    port="$(any_free_port)"
  fi
  echo "$port" > "$state/port"
  echo "http://127.0.0.1:$port" > "$state/endpoint"

  t1="$(now)"
  say "starting LocalStack $LOCALSTACK_VERSION ($SERVICES) on 127.0.0.1:$port, Java $(java_major "$jdk/bin/java") for DynamoDB Local; log: $state/localstack.log"
  # OVERRIDE_IN_DOCKER=0: a /.dockerenv on the machine makes LocalStack think it runs in its own
  # container and write to /var/lib/localstack. The rest keeps it offline and quiet.
  (
    cd "$state"
    exec env GATEWAY_LISTEN="127.0.0.1:$port" SERVICES="$SERVICES" OVERRIDE_IN_DOCKER=0 \
      FILESYSTEM_ROOT="$fs" DISABLE_EVENTS=1 DNS_ADDRESS=0 SKIP_SSL_CERT_DOWNLOAD=1 \
      LOCALSTACK_TELEMETRY_DISABLED=1 DYNAMODB_IN_MEMORY=1 JAVA_HOME="$jdk" \
      setsid "$cache/venv/bin/python" -m localstack.runtime.main
  ) > "$state/localstack.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$state/pid"

  # Healthy, and DynamoDB answers (its first call starts DynamoDB Local: a broken layout shows here,
  # with LocalStack's log, rather than as a 500 in the middle of the test).
  if ! "$cache/venv/bin/python" - "http://127.0.0.1:$port" "$START_TIMEOUT" "$pid" <<'EOF'
import json, os, sys, time, urllib.request
endpoint, timeout, pid = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
deadline = time.time() + timeout
def alive():
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False
while True:
    if not alive():
        sys.exit("LocalStack exited while starting")
    try:
        with urllib.request.urlopen(endpoint + "/_localstack/health", timeout=2) as r:
            if r.status == 200:
                break
    except OSError:
        pass
    if time.time() > deadline:
        sys.exit(f"LocalStack was not healthy at {endpoint}/_localstack/health within {timeout:.0f} s")
    time.sleep(0.25)
import boto3
ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-central-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
while True:
    try:
        ddb.list_tables()
        break
    except Exception as e:
        if not alive() or time.time() > deadline:
            sys.exit(f"LocalStack's DynamoDB did not answer within {timeout:.0f} s: {e}")
        time.sleep(0.5)
EOF
  then
    print_log 80
    stop
    die "LocalStack did not start"
  fi
  say "ready at http://127.0.0.1:$port (pid $pid): healthy with DynamoDB in $(since "$t1") s, $(since "$t0") s with the installation"
}

case "${1:-}" in
  install) ensure_venv "$(find_python)" ;;
  start) start ;;
  stop) stop ;;
  env)
    running_pid > /dev/null || die "not running (scripts/localstack-host.sh start)"
    echo "export FRESHET_LOCALSTACK_ENDPOINT=$(cat "$state/endpoint")"
    ;;
  status)
    if pid="$(running_pid)"; then echo "running (pid $pid) at $(cat "$state/endpoint")"; else echo "not running"; exit 1; fi
    ;;
  *) echo "usage: $0 install|start|stop|env|status" >&2; exit 2 ;;
esac
