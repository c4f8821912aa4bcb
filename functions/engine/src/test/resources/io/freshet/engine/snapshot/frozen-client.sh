#!/usr/bin/env bash
# Run inside a network namespace of its own (unshare -n): a PostgreSQL server on that namespace's
# loopback, a client that runs $1 (a session's first SQL) and locks a table, then either sits idle
# in its transaction ($2 = idle, as a snapshot's exporting session does) or reads a large COPY into
# a reader that has stopped ($2 = copy: the server's backend blocks sending), then "freezes" as a
# Lambda sandbox does at its timeout: the loopback goes down for $FREEZE seconds, so nothing the
# server sends is acknowledged and no keepalive is answered. Prints how many locks on the table are
# still held once the network is back: 1 when the server kept the frozen client's session, 0 when
# it gave the client up. Needs root (the namespace, the loopback) and PostgreSQL's initdb, pg_ctl
# and psql on PATH.
set -euo pipefail
settings="$1"
mode="${2:-idle}"
freeze="${FREEZE:-25}"
ip link set lo up
dir="$(mktemp -d /tmp/frozen-client.XXXXXX)"
chown nobody "$dir"
trap 'su nobody -s /bin/bash -c "pg_ctl -D $dir/data -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
su nobody -s /bin/bash -c "PATH='$PATH' initdb -D $dir/data -A trust -U postgres >/dev/null \
  && PATH='$PATH' pg_ctl -D $dir/data -w -o '-p 5499 -k $dir -c listen_addresses=127.0.0.1' -l $dir/log start >/dev/null"
psql=(psql -h 127.0.0.1 -p 5499 -U postgres -d postgres -qAtX)
"${psql[@]}" -c "CREATE TABLE t (id int)"
locks() {
  "${psql[@]}" -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 't' AND l.pid <> pg_backend_pid()"
}
statement=""
[ "$mode" = copy ] && statement="COPY (SELECT g, repeat('x', 200) FROM generate_series(1, 3000000) g) TO STDOUT;"
# The reader after psql never reads: psql, then the socket's buffers fill, and the server's send blocks.
# Nothing of it writes to this script's output, which the caller reads to its end.
( { echo "$settings;"; echo "BEGIN; LOCK TABLE t IN ACCESS SHARE MODE; $statement"; sleep $((freeze + 30)); } \
  | "${psql[@]}" | sleep $((freeze + 40)) ) >/dev/null 2>&1 &
for _ in $(seq 50); do [ "$(locks)" = 1 ] && break; sleep 0.1; done
[ "$(locks)" = 1 ] || { echo "the client never took its lock" >&2; exit 1; }
if [ "$mode" = copy ]; then
  for _ in $(seq 100); do
    [ "$("${psql[@]}" -c "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'ClientWrite'")" = 1 ] && break
    sleep 0.1
  done
fi
ip link set lo down
sleep "$freeze"
ip link set lo up
sleep 1
echo "locks after freeze: $(locks)"
