# Sourced by ./simul and ./build: exports JAVA_HOME pointing at a JDK >= 25.
# Order: $JAVA_HOME if it is >= 25, then the newest JDK >= 25 under /usr/lib/jvm (or $SIMUL_JDK_DIRS).
# A JDK's version is read from its `release` file, so nothing is executed to find it.

simul_jdk_major() {  # prints the feature version of the JDK at $1, or nothing
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  [ -n "$v" ] && [ -x "$1/bin/java" ] && echo "$v"
}

simul_find_jdk() {
  local best="" best_v=0 dir v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(simul_jdk_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for dir in ${SIMUL_JDK_DIRS:-/usr/lib/jvm /opt/java /usr/local/lib/jvm}; do
    for jdk in "$dir"/*; do
      v=$(simul_jdk_major "$jdk")
      if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$best_v" ]; then best="$jdk"; best_v="$v"; fi
    done
  done
  [ -n "$best" ] && echo "$best"
}

if ! JAVA_HOME=$(simul_find_jdk); then
  echo "simul: no JDK 25 or newer found (looked at \$JAVA_HOME and under /usr/lib/jvm); install one or set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's bundled Guava touches sun.misc.Unsafe; JDK 25 warns unless this is allowed (JDK 17 rejects the flag,
# which is why it lives here and not in .mvn/jvm.config).
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
