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
# One Maven run for all the functions asked for, tests skipped (./mvnw verify runs them). Compiles
# with a JDK 21 or newer that the build finds by itself, as ./mvnw verify does (pom.xml, toolchain).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

all=(s3-events trigger rules-sync scheduler runner publisher emit)
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

# --- the JDK: Maven runs on whatever java the wrapper finds (JAVA_HOME, else PATH) and the parent
# pom's toolchain picks the JDK 21+ that compiles, as for ./mvnw verify (README, "Two commands").
# The jar tool for unpacking and sizes may be any JDK's: the one Maven runs on.
. "$root/scripts/maven-jvm.sh"
maven_jvm_opts
jar_tool="$(dirname "$(readlink -f "$(maven_java)" 2>/dev/null || echo /nonexistent/java)")/jar"
[ -x "$jar_tool" ] || jar_tool="$(command -v jar 2>/dev/null || true)"
[ -n "$jar_tool" ] || { echo "build-functions: needs a JDK (JAVA_HOME or java, javac and jar on PATH) to run Maven on" >&2; exit 1; }

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
  (cd "$unpack_into" && "$jar_tool" xf "$jar")
  [ -d "$unpack_into/pipelines" ] || { echo "build-functions: $jar has no pipelines/" >&2; exit 1; }
  exit 0
fi

# --- sizes
printf '%-11s %-44s %10s %12s\n' function package zipped unpacked
for f in "${functions[@]}"; do
  jar="functions/$f/target/$f.jar"
  zipped="$(wc -c < "$root/$jar" | tr -d ' ')"
  unpacked="$("$jar_tool" tvf "$root/$jar" | awk '{s += $1} END {print s}')"
  awk -v f="$f" -v j="$jar" -v z="$zipped" -v u="$unpacked" 'BEGIN { printf "%-11s %-44s %7.1f MB %9.1f MB\n", f, j, z / 1e6, u / 1e6 }'
done
