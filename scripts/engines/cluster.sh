#!/usr/bin/env bash
# A local three-node Elasticsearch cluster for tests and benchmarks that need replicas or the loss of a node:
# three JVMs from the same jars as es.sh (which starts each node), every node master-eligible and a data node,
# discovering each other through seed hosts. It never touches the shared node (9200/9300).
# Subcommands: up | down | status | start-node N | stop-node N | pid N | urls
#
# Environment:
#   SILLAGE_CLUSTER_HOME             node directories node-1..node-3 (default <repo>/.local/cluster)
#   SILLAGE_CLUSTER_BUILD_HOME       where the nodes' launcher is compiled (default: SILLAGE_CLUSTER_HOME)
#   SILLAGE_CLUSTER_HTTP_PORTS       three HTTP ports, comma-separated (default 9211,9212,9213)
#   SILLAGE_CLUSTER_TRANSPORT_PORTS  three transport ports (default 9411,9412,9413: outside 9300-9399, where single
#                                    nodes take the first free port)
#   SILLAGE_CLUSTER_HEAP             heap of each node (default 384m)
#   SILLAGE_CLUSTER_NAME             cluster name (default sillage-cluster)
#   SILLAGE_CLUSTER_TIMEOUT          seconds to wait for a node, then for green (default 240)
#   SILLAGE_CLUSTER_SETTINGS         more settings for every node, as SILLAGE_ES_SETTINGS
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
home="${SILLAGE_CLUSTER_HOME:-$root/.local/cluster}"
IFS=',' read -r -a http_ports <<<"${SILLAGE_CLUSTER_HTTP_PORTS:-9211,9212,9213}"
IFS=',' read -r -a transport_ports <<<"${SILLAGE_CLUSTER_TRANSPORT_PORTS:-9411,9412,9413}"
build_home="${SILLAGE_CLUSTER_BUILD_HOME:-$home}"
heap="${SILLAGE_CLUSTER_HEAP:-384m}"
name="${SILLAGE_CLUSTER_NAME:-sillage-cluster}"
timeout="${SILLAGE_CLUSTER_TIMEOUT:-240}"
nodes=(1 2 3)

log() { echo "cluster: $*" >&2; }
die() { log "$*"; exit 1; }

((${#http_ports[@]} == 3 && ${#transport_ports[@]} == 3)) || die "three HTTP and three transport ports are needed"

check_node() { [[ "${1:-}" =~ ^[123]$ ]] || die "node must be 1, 2 or 3, got '${1:-}'"; }
url() { echo "http://127.0.0.1:${http_ports[$1 - 1]}"; }

# Runs es.sh for node N with that node's environment.
es() {
  local n=$1 command=$2 seeds="" i
  for i in "${nodes[@]}"; do seeds+="${seeds:+,}127.0.0.1:${transport_ports[$i - 1]}"; done
  # A fresh cluster elects its first master among these names; once formed, the setting is ignored.
  local settings="cluster.name=$name;node.name=node-$n;discovery.type=multi-node;transport.port=${transport_ports[$n - 1]}"
  settings+=";discovery.seed_hosts=$seeds;cluster.initial_master_nodes=node-1,node-2,node-3"
  settings+=";${SILLAGE_CLUSTER_SETTINGS:-}"
  ELASTICSEARCH_URL="$(url "$n")" SILLAGE_ES_PORT="${http_ports[$n - 1]}" SILLAGE_ES_HOME="$home/node-$n" \
    SILLAGE_ES_BUILD_HOME="$build_home" SILLAGE_ES_HEAP="$heap" SILLAGE_ES_TIMEOUT="$timeout" SILLAGE_ES_SETTINGS="$settings" \
    bash "$here/es.sh" "$command"
}

health() { # cluster health as seen by the first node that answers
  local n
  for n in "${nodes[@]}"; do
    curl -fsS -m 5 "$(url "$n")/_cluster/health$1" 2>/dev/null && return 0
  done
  return 1
}

cmd_up() {
  local n failed=0
  declare -A pids
  es 1 build # once, before three starts would queue on the build lock
  # The nodes wait for each other (no master before two of them run): started side by side.
  for n in "${nodes[@]}"; do
    es "$n" start >"$home/start-$n.log" 2>&1 &
    pids[$n]=$!
  done
  for n in "${nodes[@]}"; do
    if wait "${pids[$n]}"; then tail -n 1 "$home/start-$n.log"; else failed=1; log "node-$n failed to start:"; cat "$home/start-$n.log" >&2; fi
  done
  if ((failed)); then cmd_down >&2; exit 1; fi
  local answer
  answer="$(health "?wait_for_status=green&wait_for_nodes=3&timeout=${timeout}s")" || die "no node answers"
  grep -q '"timed_out":false' <<<"$answer" || { log "not green after ${timeout}s: $answer"; cmd_down >&2; exit 1; }
  echo "cluster $name green: $(for n in "${nodes[@]}"; do printf '%s ' "$(url "$n")"; done)"
}

cmd_down() {
  local n
  for n in "${nodes[@]}"; do es "$n" stop & done
  wait
}

cmd_status() {
  local n running=0
  for n in "${nodes[@]}"; do
    if curl -fsS -m 2 -o /dev/null "$(url "$n")/" 2>/dev/null; then running=$((running + 1)); echo "node-$n: running at $(url "$n")"; else echo "node-$n: not running"; fi
  done
  if ((running > 0)); then
    echo "$(health "" | sed -n 's/.*"status":"\([a-z]*\)".*"number_of_nodes":\([0-9]*\).*/health: \1, \2 nodes/p')" || true
  fi
  ((running == 3))
}

case "${1:-}" in
  up) mkdir -p "$home"; cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  start-node) check_node "${2:-}"; es "$2" start ;;
  stop-node) check_node "${2:-}"; es "$2" stop ;;
  pid) check_node "${2:-}"; cat "$home/node-$2/es.pid" ;;
  urls) for n in "${nodes[@]}"; do url "$n"; done ;;
  *) echo "usage: $0 up|down|status|start-node N|stop-node N|pid N|urls" >&2; exit 2 ;;
esac
