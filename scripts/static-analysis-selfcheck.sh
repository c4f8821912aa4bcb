#!/usr/bin/env bash
# Proves that the static-analysis gate bites (.ci/run runs this after ./mvnw verify): drops six
# probe classes into functions/core's test sources, runs the module's Checkstyle and PMD executions
# exactly as verify does (same configuration, same baselines), and expects
#   - Checkstyle to FAIL, on the probe's inline fully qualified name, its 61-line method and the
#     61-line method tagged without a reason, and on nothing else (so the baseline still covers
#     today's code);
#   - a 60-line method, and a 61-line one that carries its reason
#     (// CHECKSTYLE:method-length because ...), to pass;
#   - PMD to FAIL on the probe's unused private method.
# The probes are removed on any exit. Takes a few seconds (no compiling, one module).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/maven-jvm.sh
maven_jvm_opts

module=functions/core
dir="$module/src/test/java/io/freshet/gateprobe"
if [ -e "$dir" ]; then echo "selfcheck: $dir exists; remove it first" >&2; exit 1; fi
log="$(mktemp)"
trap 'rm -rf "$dir" "$log"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$dir"

# A method of exactly N lines as MethodLength counts them (from its opening to its closing brace,
# blank and comment lines left out): the brace lines, "int total", N - 4 additions, "return".
method_of() {
  echo "    static int sum() {"
  echo "        int total = 0;"
  echo ""
  echo "        // comment lines do not count"
  for i in $(seq 1 $(($1 - 4))); do echo "        total += $i;"; done
  echo "        return total;"
  echo "    }"
}

cat > "$dir/ProbeInlineName.java" <<JAVA
package io.freshet.gateprobe;

final class ProbeInlineName {
    static int size() {
        return new java.util.ArrayList<String>().size();
    }
}
JAVA

cat > "$dir/ProbeLongMethod.java" <<JAVA
package io.freshet.gateprobe;

final class ProbeLongMethod {
$(method_of 61)
}
JAVA

cat > "$dir/ProbeLongMethodWithReason.java" <<JAVA
package io.freshet.gateprobe;

final class ProbeLongMethodWithReason {
    // CHECKSTYLE:method-length because the probe proves that a stated reason exempts a method
$(method_of 61)
}
JAVA

cat > "$dir/ProbeLongMethodBareTag.java" <<JAVA
package io.freshet.gateprobe;

final class ProbeLongMethodBareTag {
    // CHECKSTYLE:method-length
$(method_of 61)
}
JAVA

cat > "$dir/ProbeSixtyLineMethod.java" <<JAVA
package io.freshet.gateprobe;

final class ProbeSixtyLineMethod {
$(method_of 60)
}
JAVA

cat > "$dir/ProbeUnusedPrivate.java" <<JAVA
package io.freshet.gateprobe;

final class ProbeUnusedPrivate {
    private static int neverCalled() {
        return 1;
    }
}
JAVA

fail() { cat "$log" >&2; echo "selfcheck: $*" >&2; exit 1; }

# --- Checkstyle: must fail, on exactly the two probes' violations
if ./mvnw -B -ntp -o -pl "$module" checkstyle:check@checkstyle > "$log" 2>&1; then
  fail "Checkstyle passed with a new inline qualified name and a 61-line method: the gate does not bite"
fi
report="$module/target/checkstyle-result.xml"
found="$(python3 - "$report" <<'PY'
import sys, xml.etree.ElementTree as ET
for f in ET.parse(sys.argv[1]).getroot().iter("file"):
    for e in f.iter("error"):
        print(f.get("name").rsplit("/", 1)[-1], e.get("source").rsplit(".", 1)[-1])
PY
)"
expected="ProbeInlineName.java MatchXpathCheck#InlineFullyQualifiedName
ProbeLongMethod.java MethodLengthCheck
ProbeLongMethodBareTag.java MethodLengthCheck"
[ "$(sort <<< "$found")" = "$expected" ] \
  || fail "Checkstyle found other violations than the probes' (want: $expected; got: $found)"

# --- PMD: must fail on the unused private method
if ./mvnw -B -ntp -o -pl "$module" pmd:check@pmd > "$log" 2>&1; then
  fail "PMD passed with a new unused private method: the gate does not bite"
fi
grep -q 'ProbeUnusedPrivate.*UnusedPrivateMethod' "$log" || fail "PMD failed, but not on the probe's unused private method"

echo "selfcheck: the static-analysis gate fails on a new inline qualified name, a 61-line method (also one tagged without a reason) and an unused private method, passes a 60-line method and a long one with its reason, and the baseline covers the rest"
