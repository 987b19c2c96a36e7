# Sourced by ./simul and ./build: exports JAVA_HOME pointing at a JDK >= 25.
# Order: $JAVA_HOME if it is >= 25, then the newest JDK >= 25 under /usr/lib/jvm (or $SIMUL_JDK_DIRS).
# A JDK's version is read from its `release` file, so nothing is executed to find it.

# Bash builtins only: this runs before every ./simul, and a sed per JDK cost it some 90 ms.
simul_jdk_major() {  # sets simul_v to the feature version of the JDK at $1, or to nothing
  local line
  simul_v=
  [ -x "$1/bin/java" ] && [ -r "$1/release" ] || return 0
  while IFS= read -r line; do
    case $line in
      JAVA_VERSION=\"[0-9]*)
        line=${line#JAVA_VERSION=\"}
        simul_v=${line%%[!0-9]*}
        return 0;;
    esac
  done < "$1/release"
}

simul_find_jdk() {  # sets simul_jdk to the JDK to use, or to nothing
  local best_v=0 dir jdk
  simul_jdk=
  if [ -n "${JAVA_HOME:-}" ]; then
    simul_jdk_major "$JAVA_HOME"
    if [ -n "$simul_v" ] && [ "$simul_v" -ge 25 ]; then simul_jdk=$JAVA_HOME; return 0; fi
  fi
  for dir in ${SIMUL_JDK_DIRS:-/usr/lib/jvm /opt/java /usr/local/lib/jvm}; do
    for jdk in "$dir"/*; do
      simul_jdk_major "$jdk"
      if [ -n "$simul_v" ] && [ "$simul_v" -ge 25 ] && [ "$simul_v" -gt "$best_v" ]; then
        simul_jdk=$jdk; best_v=$simul_v
      fi
    done
  done
}

simul_find_jdk
if [ -z "$simul_jdk" ]; then
  echo "simul: no JDK 25 or newer found (looked at \$JAVA_HOME and under /usr/lib/jvm); install one or set JAVA_HOME" >&2
  exit 1
fi
JAVA_HOME=$simul_jdk
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's bundled Guava touches sun.misc.Unsafe; JDK 25 warns unless this is allowed (JDK 17 rejects the flag,
# which is why it lives here and not in .mvn/jvm.config).
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
