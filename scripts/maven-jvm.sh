# Sourced, not run, by the scripts that call the Maven wrapper (.ci/run, scripts/build-functions.sh).
#
# Maven needs no JDK 21 of its own: the wrapper runs it on JAVA_HOME, else on the java on PATH (any
# JDK 8+), and the parent pom's toolchain (maven-toolchains-plugin, select-jdk-toolchain) finds the
# JDK 21+ that compiles and tests. What is left to a script is the JVM Maven itself runs on:
#
#   maven_java            the java the wrapper will run Maven on (empty when there is none)
#   java_major BIN        the feature version of a java binary (21, 25, ...), or nothing
#   maven_jvm_opts        adds to MAVEN_OPTS what that JVM needs and only it knows: on 24 and newer,
#                         --sun-misc-unsafe-memory-access=allow (Maven's Guice uses sun.misc.Unsafe
#                         and those JDKs warn about it on every run; JDK 17 refuses the flag)

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n1
}

maven_java() {
  if [ -n "${JAVA_HOME:-}" ]; then
    echo "$JAVA_HOME/bin/java"
  else
    command -v java 2>/dev/null || true
  fi
}

maven_jvm_opts() {
  local j v
  j="$(maven_java)"
  [ -n "$j" ] && [ -x "$j" ] || return 0
  v="$(java_major "$j")"
  if [ "${v:-0}" -ge 24 ]; then
    case " ${MAVEN_OPTS:-} " in
      *" --sun-misc-unsafe-memory-access=allow "*) ;;
      *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
    esac
  fi
}
