#!/usr/bin/env bash
# Builds the Lambda deployment packages: functions/<name>/target/<name>.jar, each the function,
# only the dependencies it needs and pipelines/ (the lambda-package execution in pom.xml).
#
#   scripts/build-functions.sh                       every function, then a table of package sizes
#   scripts/build-functions.sh trigger runner        just these
#   scripts/build-functions.sh --unpack-into DIR x   one function, unpacked into DIR: what Lambda's
#                                                    java21 runtime runs from /var/task (classes and
#                                                    pipelines/ at the top). `sam build` uses this
#                                                    through the Makefile's build-<LogicalId> targets.
#
# One Maven run for all the functions asked for, tests skipped (./mvnw verify runs them). Needs a
# JDK 21 or newer: JAVA_HOME, the java on PATH, or the newest under /usr/lib/jvm, as .ci/run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

all=(s3-events trigger rules-sync scheduler runner)
unpack_into=""
functions=()
while [ $# -gt 0 ]; do
  case "$1" in
    --unpack-into) unpack_into="${2:?--unpack-into needs a directory}"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "build-functions: unknown option $1" >&2; exit 2 ;;
    *) functions+=("$1"); shift ;;
  esac
done
[ ${#functions[@]} -gt 0 ] || functions=("${all[@]}")
for f in "${functions[@]}"; do
  [ -f "$root/functions/$f/pom.xml" ] || { echo "build-functions: no function '$f' (one of: ${all[*]})" >&2; exit 2; }
done
if [ -n "$unpack_into" ] && [ ${#functions[@]} -ne 1 ]; then
  echo "build-functions: --unpack-into takes exactly one function" >&2; exit 2
fi

# --- a JDK >= 21
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n1
}
pick_jdk() {
  local j v
  for j in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null || true)"; do
    [ -n "$j" ] && [ -x "$j" ] || continue
    v="$(java_major "$j")"
    if [ "${v:-0}" -ge 21 ]; then dirname "$(dirname "$(readlink -f "$j")")"; return; fi
  done
  local best="" best_v=0 d
  for d in /usr/lib/jvm/*/ /Library/Java/JavaVirtualMachines/*/Contents/Home/; do
    [ -x "$d/bin/javac" ] || continue
    v="$(java_major "$d/bin/java")"
    if [ "${v:-0}" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="${d%/}"; best_v="$v"; fi
  done
  [ -n "$best" ] || { echo "build-functions: needs a JDK 21 or newer; set JAVA_HOME to one" >&2; exit 1; }
  echo "$best"
}
export JAVA_HOME="$(pick_jdk)"
export PATH="$JAVA_HOME/bin:$PATH"
if [ "$(java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
  # Maven's Guice uses sun.misc.Unsafe; newer JDKs warn about it on every run.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi

# --- build; `sam build --parallel` would start one of these per function at once, and concurrent
# Maven runs over the same target/ directories corrupt each other: take turns where flock exists.
modules="$(printf 'functions/%s,' "${functions[@]}")"
build() { (cd "$root" && ./mvnw -q -B -ntp ${FRESHET_MAVEN_ARGS:-} -pl "${modules%,}" -am package -DskipTests); }
if command -v flock >/dev/null 2>&1; then
  lock="${TMPDIR:-/tmp}/freshet-build-$(printf '%s' "$root" | cksum | cut -d' ' -f1).lock"
  ( flock 9; build ) 9>"$lock"
else
  build
fi

# --- unpack for sam build
if [ -n "$unpack_into" ]; then
  jar="$root/functions/${functions[0]}/target/${functions[0]}.jar"
  mkdir -p "$unpack_into"
  (cd "$unpack_into" && "$JAVA_HOME/bin/jar" xf "$jar")
  [ -d "$unpack_into/pipelines" ] || { echo "build-functions: $jar has no pipelines/" >&2; exit 1; }
  exit 0
fi

# --- sizes
printf '%-11s %-44s %10s %12s\n' function package zipped unpacked
for f in "${functions[@]}"; do
  jar="functions/$f/target/$f.jar"
  zipped="$(wc -c < "$root/$jar" | tr -d ' ')"
  unpacked="$("$JAVA_HOME/bin/jar" tvf "$root/$jar" | awk '{s += $1} END {print s}')"
  awk -v f="$f" -v j="$jar" -v z="$zipped" -v u="$unpacked" 'BEGIN { printf "%-11s %-44s %7.1f MB %9.1f MB\n", f, j, z / 1e6, u / 1e6 }'
done
