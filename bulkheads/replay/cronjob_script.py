"""The shell scripts of a pool's Kubernetes replay scheduler (no Pulumi here).

Each CronJob run is two steps sharing an in-memory ``/work`` directory:

1. ``positions`` (the Kafka image, :func:`positions_script`): for each replay still
   ``waiting`` (its state ConfigMap is mounted read-only at ``/state/<connector>``) and only
   inside the window, log in as the replay's own principal (the jaas line of its connector
   Secret, mounted at ``/login/<connector>``) and write, with ``kafka-get-offsets.sh``,
   its partitions' ends now, its first offsets at ``from`` and at ``until`` (the ends now
   for ``caught_up``: a growing input is not copied past them);
2. ``scheduler`` (kubectl, :func:`scheduler_script`): drive each replay's phase, kept in its
   state ConfigMap ``<connector>-replay`` (``waiting`` -> ``starting`` -> ``running`` <->
   ``outside-window`` -> ``done``; ``stopped`` by an operator):

   - ``waiting`` inside the window: record its slice (``topic:partition:start:end``; no
     record at a time -> the end) and ``offsets.json`` (the start, in the connector's
     dialect) in the state ConfigMap, keep the connector stopped and annotate it
     ``strimzi.io/connector-offsets=alter`` (Strimzi's ``spec.alterOffsets``);
   - ``starting``: once Strimzi removed the annotation, resume it and ask for its offsets
     (``strimzi.io/connector-offsets=list`` into ``<connector>-replay-offsets``);
   - ``running``: restart what FAILED (``strimzi.io/restart=includeTasks,onlyFailed``),
     compare the listed positions with the slice; caught up -> stop it, record ``done``;
     else ask again;
   - outside the window, ``done`` or ``stopped``: keep the connector stopped.

The offsets dialects are those of :mod:`bulkheads.plan.replay` (tests pin the awk here
against ``connector_offsets`` and ``positions_from_offsets``). Level-triggered: a missed
or repeated run is repaired by the next.
"""

from __future__ import annotations

import re

from bulkheads.plan.platform import ScheduledReplay
from bulkheads.spec.replay import ReplayFrom, Window

FIELD_MANAGER = "bulkheads-replay-scheduler"
KAFKA_GET_OFFSETS = "/opt/kafka/bin/kafka-get-offsets.sh"
WORK = "/work"
STATE_MOUNT = "/state"
LOGIN_MOUNT = "/login"
CA_MOUNT = "/ca"
JAAS_FILE = "jaas"
OFFSETS_KEY = "offsets.json"
LATEST, EARLIEST = "-1", "-2"


def window_condition(window: Window) -> str:
    """A POSIX shell test that is true when ``$now`` (minute of the UTC day) is inside."""
    if window.start == window.end:
        return "true"
    joiner = "||" if window.crosses_midnight else "&&"
    return f'[ "$now" -ge {window.start} ] {joiner} [ "$now" -lt {window.end} ]'


def _window_prelude(window: Window) -> list[str]:
    return [
        "set -eu",
        "h=$(date -u +%H); m=$(date -u +%M); now=$(( ${h#0} * 60 + ${m#0} ))",
        f"if {window_condition(window)}; then open=1; else open=0; fi",
    ]


def _topic_patterns(reads: tuple[str, ...]) -> str:
    """``--topic-partitions`` patterns naming exactly ``reads`` (topics are regexes)."""
    return ",".join(f"^{re.escape(topic)}$" for topic in reads)


def _time_of_from(start: ReplayFrom) -> str:
    if start.at is not None:
        return str(int(start.at.timestamp() * 1000))
    if start.ago_ms is not None:
        return f"$(( $(date -u +%s) * 1000 - {start.ago_ms} ))"
    return EARLIEST


# Offsets at a time ($1) for every partition of the ends ($2): a partition with no record
# at or after that time (a line left out, empty or -1) takes its end.
_FILL = (
    'awk -F: \'FILENAME == ARGV[1] { at[$1 ":" $2] = $3; next } '
    '/^[^:]+:[0-9]+:[0-9]+$/ { o = at[$1 ":" $2]; if (o == "" || o < 0) o = $3; '
    'print $1 ":" $2 ":" o }\''
)
_SLICE = (
    'awk -F: \'NR == FNR { s[$1 ":" $2] = $3; next } { print $1 ":" $2 ":" s[$1 ":" $2] ":" $3 }\''
)


def positions_script(
    window: Window, replays: tuple[ScheduledReplay, ...], security_protocol: str, ca: bool
) -> str:
    """Step 1 (Kafka image): start positions and slice of every waiting replay."""
    trust = f"ssl.truststore.type=PEM\\nssl.truststore.location={CA_MOUNT}/ca.crt\\n" if ca else ""
    lines = [
        *_window_prelude(window),
        '[ "$open" = 1 ] || exit 0',
        "get() {",
        f'  {KAFKA_GET_OFFSETS} --bootstrap-server "$BOOTSTRAP" --command-config "$1" '
        '--topic-partitions "$2" --time "$3"',
        "}",
    ]
    for replay in replays:
        c, w = replay.connector, f"{WORK}/{replay.connector}"
        patterns = _topic_patterns(replay.reads)
        until = (
            f"cp {w}.latest {w}.until"
            if replay.until.at is None
            else f"get {w}.properties '{patterns}' {int(replay.until.at.timestamp() * 1000)}"
            f" > {w}.until"
        )
        lines += [
            f"phase=$(cat {STATE_MOUNT}/{c}/phase 2>/dev/null || true)",
            'if [ -z "$phase" ] || [ "$phase" = waiting ]; then',
            f"  printf 'security.protocol={security_protocol}\\nsasl.mechanism=SCRAM-SHA-512\\n"
            f'{trust}sasl.jaas.config=%s\\n\' "$(cat {LOGIN_MOUNT}/{c}/{JAAS_FILE})"'
            f" > {w}.properties",
            f"  get {w}.properties '{patterns}' {LATEST} > {w}.latest",
            f'  [ -s {w}.latest ] || {{ echo "{c}: none of its topics found" >&2; exit 1; }}',
            f"  get {w}.properties '{patterns}' {_time_of_from(replay.start)} > {w}.from",
            f"  {until}",
            f"  rm -f {w}.properties",
            "fi",
        ]
    return "\n".join(lines) + "\n"


# positions (``topic:partition:offset`` lines) -> the connector's offsets.json
OFFSETS_JSON_AWK = r"""awk -F: -v alias="$1" 'BEGIN { printf "{\"offsets\":[" }
/^[^:]+:[0-9]+:[0-9]+$/ {
  if (n++) printf ","
  if (alias != "") {
    off = ($3 > 0) ? "{\"offset\":" ($3 - 1) "}" : "null"
    printf "{\"partition\":{\"cluster\":\"%s\",\"topic\":\"%s\",", alias, $1
    printf "\"partition\":%s},\"offset\":%s}", $2, off
  } else {
    printf "{\"partition\":{\"kafka_topic\":\"%s\",\"kafka_partition\":%s},", $1, $2
    printf "\"offset\":{\"kafka_offset\":%s}}", $3
  }
}
END { print "]}" }'"""

# listed offsets.json on stdin, $1 alias (empty: sink), $2 slice -> exit 0 when caught up
CAUGHT_UP_AWK = r"""awk -v alias="$1" -v slice="$2" '
function flush() {
  if (alias != "" && kv["cluster"] == alias && kv["offset"] ~ /^[0-9]+$/)
    pos[kv["topic"] ":" kv["partition"]] = kv["offset"] + 1
  if (alias == "" && kv["kafka_offset"] ~ /^[0-9]+$/)
    pos[kv["kafka_topic"] ":" kv["kafka_partition"]] = kv["kafka_offset"] + 0
  split("", kv)
}
{ text = text $0 }
END {
  gsub(/[ \t\r]/, "", text); gsub(/[]{}[,]/, "\n", text)
  m = split(text, token, "\n")
  for (i = 1; i <= m; i++) {
    if (token[i] == "\"partition\":") { flush(); continue }
    if (match(token[i], /^"[a-z_.]+":/)) {
      value = substr(token[i], RLENGTH + 1); gsub(/"/, "", value)
      kv[substr(token[i], 2, RLENGTH - 3)] = value
    }
  }
  flush()
  n = split(slice, part, " ")
  for (i = 1; i <= n; i++) {
    split(part[i], f, ":"); tp = f[1] ":" f[2]
    if (f[3] + 0 < f[4] + 0 && (!(tp in pos) || pos[tp] < f[4] + 0)) exit 1
  }
}'"""


def scheduler_script(window: Window, namespace: str, replays: tuple[ScheduledReplay, ...]) -> str:
    """Step 2 (kubectl): every replay's phase, connector state and offsets annotations."""
    lines = [
        *_window_prelude(window),
        f'k() {{ kubectl -n {namespace} "$@"; }}',
        f'set_state() {{ k patch kafkaconnector "$1" --type merge --field-manager={FIELD_MANAGER}'
        ' -p "{\\"spec\\":{\\"state\\":\\"$2\\"}}"; }',
        f'record() {{ k patch configmap "$1-replay" --type merge --field-manager={FIELD_MANAGER}'
        ' -p "{\\"data\\":{$2}}"; }',
        'offsets() { k annotate kafkaconnector "$1" "strimzi.io/connector-offsets=$2"'
        " --overwrite; }",
        f"offsets_json() {{ {OFFSETS_JSON_AWK}; }}",
        f"caught_up() {{ {CAUGHT_UP_AWK}; }}",
        "escape() { sed 's/\\\\/\\\\\\\\/g; s/\"/\\\\\"/g' | tr -d '\\n'; }",
        "stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)",
        "drive() {  # connector, mirror alias (empty: sink-style)",
        "  c=$1; phase=$(k get configmap \"$c-replay\" -o jsonpath='{.data.phase}')",
        '  case "$phase" in done|stopped) set_state "$c" stopped; echo "$c: $phase"; return;; esac',
        '  if [ "$open" != 1 ]; then',
        '    set_state "$c" stopped',
        '    [ "$phase" = running ] && record "$c" "\\"phase\\":\\"outside-window\\""',
        '    echo "$c: outside the window"; return',
        "  fi",
        '  case "$phase" in',
        "  ''|waiting)",
        f"    w={WORK}/$c",
        '    [ -s "$w.latest" ] || { echo "$c: positions not read yet (next run)"; return; }',
        f'    {_FILL} "$w.from" "$w.latest" > "$w.starts"',
        f'    {_FILL} "$w.until" "$w.latest" > "$w.ends"',
        '    data=$(offsets_json "$2" < "$w.starts" | escape)',
        f"    slice=$({_SLICE} \"$w.starts\" \"$w.ends\" | tr '\\n' ' ')",
        '    set_state "$c" stopped',
        '    record "$c" "\\"phase\\":\\"starting\\",\\"started_at\\":\\"$stamp\\",'
        f'\\"slice\\":\\"$slice\\",\\"{OFFSETS_KEY}\\":\\"$data\\""',
        '    offsets "$c" alter; echo "$c: start offsets handed to Strimzi";;',
        "  starting)",
        '    pending=$(k get kafkaconnector "$c" -o '
        "jsonpath='{.metadata.annotations.strimzi\\.io/connector-offsets}')",
        '    if [ -n "$pending" ]; then echo "$c: Strimzi is applying its start"; return; fi',
        '    k delete configmap "$c-replay-offsets" --ignore-not-found',
        '    record "$c" "\\"phase\\":\\"running\\""; set_state "$c" running; offsets "$c" list',
        '    echo "$c: started";;',
        "  *)",
        '    states=$(k get kafkaconnector "$c" -o jsonpath='
        "'{.status.connectorStatus.connector.state} {.status.connectorStatus.tasks[*].state}')",
        '    case " $states " in *" FAILED "*)',
        '      k annotate kafkaconnector "$c" strimzi.io/restart=includeTasks,onlyFailed'
        ' --overwrite; echo "$c: FAILED, restarted";; esac',
        '    listed=$(k get configmap "$c-replay-offsets" -o '
        "jsonpath='{.data.offsets\\.json}' 2>/dev/null || true)",
        "    slice=$(k get configmap \"$c-replay\" -o jsonpath='{.data.slice}')",
        '    if [ -n "$listed" ] && printf \'%s\\n\' "$listed" | caught_up "$2" "$slice"; then',
        '      record "$c" "\\"phase\\":\\"done\\",\\"done_at\\":\\"$stamp\\""',
        '      set_state "$c" stopped; echo "$c: done"; return',
        "    fi",
        '    [ "$phase" = running ] || record "$c" "\\"phase\\":\\"running\\""',
        '    set_state "$c" running; offsets "$c" list; echo "$c: running";;',
        "  esac",
        "}",
    ]
    lines += [f"drive {r.connector} '{r.mirror_alias or ''}'" for r in replays]
    return "\n".join(lines) + "\n"
