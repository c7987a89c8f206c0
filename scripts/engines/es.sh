#!/usr/bin/env bash
# Local single-node Elasticsearch for development and tests, run in a JVM from the Maven Central jars
# (no container runtime available). Subcommands: build | start | stop | status.
#
# Environment:
#   ELASTICSEARCH_URL   URL to check/serve (default http://127.0.0.1:9200); its port is used for a local start
#   SILLAGE_ES_PORT     HTTP port to start on (default: the port of ELASTICSEARCH_URL)
#   SILLAGE_ES_HEAP     JVM heap, -Xms/-Xmx (default 1g)
#   SILLAGE_ES_HOME     node directory (default <repo>/.local/elasticsearch)
#   SILLAGE_ES_BUILD_HOME  where the launcher is compiled (default: SILLAGE_ES_HOME); nodes may share one
#   SILLAGE_ES_SETTINGS more node settings, key=value separated by ';' or newlines (e.g. path.repo=/srv/snap)
#   SILLAGE_ES_TIMEOUT  seconds to wait for the cluster on start (default 120)
#   SILLAGE_ES_JAVA_OPTS more JVM flags, space-separated, after the defaults
#   SILLAGE_ES_DATA_ROOT a node starting without data keeps it in a fresh folder under this one (linked from the
#                       home as data/), e.g. in memory for throwaway test nodes; a home with data keeps its own
#   JAVA_HOME           used when it is Java 21 or newer
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
PROJECT_DIR="$SCRIPT_DIR/elasticsearch"
ES_HOME="${SILLAGE_ES_HOME:-$REPO_ROOT/.local/elasticsearch}"
ES_URL="${ELASTICSEARCH_URL:-http://127.0.0.1:9200}"
# A list of nodes (comma-separated): the first is the one checked or started here.
ES_URL="${ES_URL%%,*}"
ES_URL="${ES_URL%/}"
HEAP="${SILLAGE_ES_HEAP:-1g}"
TIMEOUT="${SILLAGE_ES_TIMEOUT:-120}"
PID_FILE="$ES_HOME/es.pid"
OUT_FILE="$ES_HOME/es.out"
BUILD_HOME="${SILLAGE_ES_BUILD_HOME:-$ES_HOME}"
CLASSPATH_FILE="$BUILD_HOME/classpath.txt"
STAMP_FILE="$BUILD_HOME/build.stamp"
MAIN_CLASS="sillage.elasticsearch.LocalElasticsearch"

log() { echo "es: $*" >&2; }
die() { log "$*"; exit 1; }

java_major() { # feature version of a java binary, 0 when unknown
  local version
  version="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1)"
  version="${version#1.}"
  [[ "$version" =~ ^[0-9]+$ ]] && echo "$version" || echo 0
}

find_java_home() { # JAVA_HOME when it is 21+, else the newest JDK 21+ in the Debian location
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]] && (($(java_major "$JAVA_HOME/bin/java") >= 21)); then
    echo "$JAVA_HOME"; return
  fi
  local candidate major best="" best_major=0
  for candidate in /usr/lib/jvm/temurin-2*-jdk* /usr/lib/jvm/*jdk*; do
    [[ -x "$candidate/bin/javac" && ! -L "$candidate" ]] || continue
    major="$(java_major "$candidate/bin/java")"
    if ((major >= 21 && major > best_major)); then best="$candidate"; best_major=$major; fi
  done
  [[ -n "$best" ]] || die "no JDK 21+ found (set JAVA_HOME or install one under /usr/lib/jvm)"
  echo "$best"
}

url_port() { # port of ELASTICSEARCH_URL, 9200 when it has none
  local hostport="${ES_URL#*://}"
  hostport="${hostport%%/*}"
  if [[ "$hostport" == *:* ]]; then echo "${hostport##*:}"; else echo 9200; fi
}

build_hash() { # everything that changes the build output
  {
    echo "$1"
    cat "$PROJECT_DIR/pom.xml"
    find "$PROJECT_DIR/src" -type f | LC_ALL=C sort | xargs cat
  } | sha256sum | cut -d' ' -f1
}

cmd_build() {
  local java_home hash
  java_home="$(find_java_home)"
  hash="$(build_hash "$java_home")"
  if [[ -f "$STAMP_FILE" && -s "$CLASSPATH_FILE" && "$(cat "$STAMP_FILE")" == "$hash" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  mkdir -p "$BUILD_HOME"
  # nodes sharing a build directory build it once
  exec 8>"$BUILD_HOME/build.lock"
  flock -w 600 8 || die "another build holds $BUILD_HOME/build.lock"
  if [[ -f "$STAMP_FILE" && -s "$CLASSPATH_FILE" && "$(cat "$STAMP_FILE")" == "$hash" ]]; then
    exec 8>&-
    return 0
  fi
  log "building the launcher with $java_home (first run downloads the jars into ~/.m2)"
  rm -rf "$BUILD_HOME/build"
  local maven_opts="${MAVEN_OPTS:-}"
  # silences the JDK 24+ notice about Maven's own use of sun.misc.Unsafe
  (($(java_major "$java_home/bin/java") >= 24)) && maven_opts+=" --sun-misc-unsafe-memory-access=allow"
  JAVA_HOME="$java_home" MAVEN_OPTS="$maven_opts" \
    mvn -B -q -f "$PROJECT_DIR/pom.xml" \
      -Dsillage.build.dir="$BUILD_HOME/build" \
      compile dependency:build-classpath -Dmdep.outputFile="$CLASSPATH_FILE" >"$BUILD_HOME/build.log" 2>&1 \
    || { cat "$BUILD_HOME/build.log" >&2; die "maven build failed (log: $BUILD_HOME/build.log)"; }
  echo "$hash" >"$STAMP_FILE"
  exec 8>&-
}

is_answering() {
  curl -fsS -m 2 -o /dev/null "$ES_URL/" 2>/dev/null
}

running_pid() { # prints the pid when the process from the pid file is alive
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

print_version() {
  local version
  version="$(curl -fsS -m 5 "$ES_URL/" | sed -n 's/.*"number" *: *"\([^"]*\)".*/\1/p' | head -n1)" || true
  echo "elasticsearch ${version:-?} at $ES_URL"
}

# The node's data/ folder: a fresh one under SILLAGE_ES_DATA_ROOT when that is set and the home has no data yet. A
# link whose target is gone (its root was removed) is dropped first, so the node starts afresh.
prepare_data_dir() {
  local data="$ES_HOME/data"
  if [[ -L "$data" && ! -e "$data" ]]; then rm -f "$data"; fi
  if [[ -n "${SILLAGE_ES_DATA_ROOT:-}" && ! -e "$data" ]]; then
    mkdir -p "$SILLAGE_ES_DATA_ROOT"
    ln -s "$(mktemp -d "$SILLAGE_ES_DATA_ROOT/node.XXXXXX")" "$data"
  fi
}

cmd_start() {
  mkdir -p "$ES_HOME"
  # parallel starts (e.g. several test runners) wait for the first one instead of racing it
  exec 9>"$ES_HOME/start.lock"
  flock -w $((TIMEOUT + 300)) 9 || die "another start holds $ES_HOME/start.lock"
  if is_answering; then
    echo "already running: $(print_version)"
    return 0
  fi
  if running_pid >/dev/null; then
    die "process $(cat "$PID_FILE") is alive but $ES_URL does not answer; run: $0 stop"
  fi
  cmd_build
  prepare_data_dir
  local java_home port pid
  java_home="$(find_java_home)"
  port="${SILLAGE_ES_PORT:-$(url_port)}"
  mkdir -p "$ES_HOME/logs"
  # The flags a distribution's launcher would add: netty without Unsafe, log4j left to Elasticsearch,
  # the vector API for Lucene, native access for Elasticsearch's foreign-function code.
  local -a jvm=(
    "-Xms$HEAP" "-Xmx$HEAP" -Xss1m -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow
    -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Djava.locale.providers=CLDR
    -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0
    -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true -Dlog4j2.formatMsgNoLookups=true
    --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED
    "-XX:ErrorFile=$ES_HOME/logs/hs_err_pid%p.log"
  )
  # more JVM flags, after the defaults (so they win), e.g. cheaper start-ups for short-lived test nodes
  local -a extra_jvm
  read -r -a extra_jvm <<<"${SILLAGE_ES_JAVA_OPTS:-}"
  jvm+=("${extra_jvm[@]}")
  local started=$SECONDS
  SILLAGE_ES_HOME="$ES_HOME" SILLAGE_ES_PORT="$port" nohup "$java_home/bin/java" "${jvm[@]}" \
    -cp "$BUILD_HOME/build/classes:$(cat "$CLASSPATH_FILE")" "$MAIN_CLASS" "$ES_HOME" \
    >"$OUT_FILE" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "started pid $pid (heap $HEAP, port $port, log $ES_HOME/logs), waiting up to ${TIMEOUT}s"

  local deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      log "process exited; last lines of $OUT_FILE:"
      tail -n 50 "$OUT_FILE" >&2
      exit 1
    fi
    # green, or yellow with unassigned replicas (a single node can never assign them)
    if curl -fsS -m 5 "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null | grep -q '"timed_out":false'; then
      echo "$(print_version) (pid $pid, ready in $((SECONDS - started))s)"
      return 0
    fi
    sleep 1
  done
  log "not ready after ${TIMEOUT}s; last lines of $OUT_FILE and the node log:"
  tail -n 50 "$OUT_FILE" >&2
  tail -n 50 "$ES_HOME/logs/sillage-local.log" >&2 2>/dev/null || true
  terminate "$pid" >&2 # a failed start leaves nothing running
  exit 1
}

terminate() { # SIGTERM, up to 30s for a clean shutdown, then SIGKILL
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid still alive after 30s, killing"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  echo "stopped (pid $pid)"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    echo "not running"
    return 0
  fi
  terminate "$pid"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    if is_answering; then echo "running: $(print_version) (pid $pid)"; else echo "starting or unresponsive (pid $pid)"; fi
    return 0
  fi
  if is_answering; then
    echo "running: $(print_version) (not started by this script)"
    return 0
  fi
  echo "not running"
  return 1
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 build|start|stop|status" >&2; exit 2 ;;
esac
