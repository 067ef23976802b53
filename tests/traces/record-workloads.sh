#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Record the host traces in tests/traces/ again: five real workloads on this
# machine, each sampled once a second by tools/selfballoon-record.  Needs
# root (Debian bookworm): it installs what the workloads use.
#
#   tests/traces/record-workloads.sh [NAME...]   (default: all five)
#     kbuild    make -j2 of mm/ and kernel/ of Debian's linux-source-6.12
#     postgres  PostgreSQL 15: bulk load of 6 million rows, indexes, queries
#     pandas    a pandas job: build, group, join and sort frames
#     nginx     nginx serving static files to ab (apache2-utils), 3 phases
#     desktop   idle, then a burst of programs opened and closed
#
# Each trace starts and ends with 10 s of the idle machine.  Committed_AS is
# system-wide: other runs of this project boot QEMU guests here, which
# commit GiBs when they start.  A recording waits up to 3 minutes for no
# QEMU to run, records the private memory of any QEMU in excluded_kb, and
# its header says what else ran (QEMU and compiler processes, load
# average) at the start and the end.  selfballoon-sim subtracts excluded_kb
# and takes the first sample as the baseline (see
# Documentation/xen-selfballoon-performance.rst).  Scratch files go to
# /tmp/xsb-traces and are removed.

set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/deps.sh"
OUT=$TOP/tests/traces
W=/tmp/xsb-traces
REC=$TOP/tools/selfballoon-record

background() {
	echo "$(pgrep -fc '^qemu-system' || true) qemu-system, $(pgrep -c '^cc1' || true) cc1, load $(cut -d' ' -f1-3 /proc/loadavg)"
}

# QEMU guests of other runs on this machine commit GiBs when they start and
# give them back when they stop: wait (up to 3 min) until none runs, and
# record their private memory in excluded_kb (selfballoon-sim takes it out
# of Committed_AS)
quiet() {
	local n=0
	while pgrep -f '^qemu-system' >/dev/null && [ $n -lt 180 ]; do
		sleep 5
		n=$((n + 5))
	done
}

# rec NAME WHAT CMD...: record CMD into $OUT/NAME.csv
rec() {
	local name=$1 what=$2
	shift 2
	quiet
	echo "== $name: $what" >&2
	"$REC" -p 10 -x '^qemu-system' -o "$OUT/$name.csv" -m "$what" \
		-m "background at start: $(background)" -- "$@"
	echo "# note: background at end: $(background)" >>"$OUT/$name.csv"
}

kbuild() {
	local src
	deps_apt linux-source-6.12 make gcc bc bison flex libelf-dev libssl-dev
	src=$(printf "%s\n" /usr/src/linux-source-6.12*.tar.xz | tail -n 1)
	rm -rf "$W/kbuild" && mkdir -p "$W/kbuild"
	tar -xJf "$src" -C "$W/kbuild" --strip-components=1
	make -s -C "$W/kbuild" defconfig
	make -s -C "$W/kbuild" -j2 prepare
	rec kbuild "kernel build: make -j2 mm/ kernel/ of ${src##*/} (x86_64 defconfig, prepared), stopped after 200 s" \
		timeout 200 make -s -C "$W/kbuild" -j2 -k mm/ kernel/ || true
	rm -rf "$W/kbuild"
}

postgres() {
	local bin=/usr/lib/postgresql/15/bin d=$W/pg
	deps_apt postgresql-15
	rm -rf "$d" && mkdir -p "$d" && chown postgres "$d"
	su postgres -c "$bin/initdb -D $d/data -A trust" >/dev/null
	cat >"$W/pg.sql" <<'EOF'
CREATE TABLE t AS SELECT g AS id, (random() * 100000)::int AS k,
	md5(g::text) AS s, random() AS v FROM generate_series(1, 6000000) g;
CREATE INDEX t_k ON t (k);
CREATE INDEX t_s ON t (s);
ANALYZE t;
SELECT k % 1000 AS b, count(*), avg(v) FROM t GROUP BY 1 ORDER BY 3 DESC LIMIT 5;
SELECT count(*) FROM (SELECT s FROM t ORDER BY s DESC) x;
SELECT count(*) FROM t a JOIN t b ON a.k = b.k AND a.id < b.id WHERE a.id < 300000;
SELECT count(DISTINCT s) FROM t;
SELECT k, string_agg(s, ',') FROM t WHERE k < 2000 GROUP BY k ORDER BY 2 LIMIT 3;
DROP TABLE t;
EOF
	cat >"$W/pg.sh" <<EOF
set -e
$bin/pg_ctl -D $d/data -o "-p 55432 -k $d -c shared_buffers=256MB -c work_mem=128MB -c maintenance_work_mem=512MB" -w -l $d/log start
sleep 10
psql -h $d -p 55432 -d postgres -q -f $W/pg.sql >/dev/null
sleep 5
$bin/pg_ctl -D $d/data -w stop
EOF
	rec postgres "database: PostgreSQL 15 started (shared_buffers 256MB, work_mem 128MB), 6 million rows loaded, two indexes, grouped, sorted, joined, aggregated, dropped, server stopped" \
		su postgres -c "sh $W/pg.sh"
	rm -rf "$d" "$W/pg.sql" "$W/pg.sh"
}

pandas() {
	deps_apt python3-pandas python3-numpy
	cat >"$W/job.py" <<'EOF'
import time
import numpy as np
import pandas as pd

rng = np.random.default_rng(1)
for rnd in range(2):
    n = 12_000_000
    df = pd.DataFrame({"k": rng.integers(0, 200_000, n),
                       "a": rng.random(n), "b": rng.random(n),
                       "c": rng.integers(0, 100, n)})
    g = df.groupby("k").agg(a=("a", "mean"), b=("b", "sum"), n=("c", "count"))
    m = df.merge(g, left_on="k", right_index=True, suffixes=("", "_g"))
    m = m.sort_values(["c", "a"])
    m.head(1000).to_csv("/dev/null")
    del m, g, df
    time.sleep(15)
EOF
	rec pandas "python data job: pandas 1.5 builds a 12-million-row frame, groups, joins it back, sorts, twice with a 15 s pause" \
		/usr/bin/python3 "$W/job.py"
	rm -f "$W/job.py"
}

nginx() {
	local d=$W/nginx
	deps_apt nginx apache2-utils
	rm -rf "$d" && mkdir -p "$d/www"
	head -c 1024 /dev/urandom >"$d/www/small"
	head -c 1048576 /dev/urandom >"$d/www/big"
	cat >"$d/nginx.conf" <<EOF
worker_processes 2;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $d;
	proxy_temp_path $d;
	fastcgi_temp_path $d;
	uwsgi_temp_path $d;
	scgi_temp_path $d;
	server { listen 127.0.0.1:58080; root $d/www; }
}
EOF
	cat >"$W/web.sh" <<EOF
set -e
/usr/sbin/nginx -c $d/nginx.conf
sleep 10
ab -q -t 50 -n 200000 -c 20 http://127.0.0.1:58080/small >/dev/null
ab -q -t 50 -n 20000 -c 50 -k http://127.0.0.1:58080/big >/dev/null
ab -q -t 50 -n 200000 -c 200 http://127.0.0.1:58080/small >/dev/null
sleep 10
/usr/sbin/nginx -c $d/nginx.conf -s stop
EOF
	rec nginx "web server: nginx 1.22 (2 workers) on 127.0.0.1 serving static files to ab: 1 KiB at concurrency 20, 1 MiB keep-alive at 50, 1 KiB at 200, 50 s each" \
		sh "$W/web.sh"
	rm -rf "$d" "$W/web.sh"
}

desktop() {
	deps_apt python3-pandas gzip
	cat >"$W/desk.sh" <<EOF
set -e
sleep 60
# open: a spreadsheet-like session, an archive, a sort, a second document
/usr/bin/python3 -c 'import pandas as pd, numpy as np, time; d = pd.DataFrame(np.random.random((4_000_000, 8))); time.sleep(50)' &
sleep 8
head -c 300000000 /dev/urandom | od -An -tx8 -w64 -v >$W/big.txt
gzip -1 -c $W/big.txt >/dev/null &
sleep 5
sort -S 600M $W/big.txt >/dev/null &
sleep 10
/usr/bin/python3 -c 'import time; b = bytearray(400 << 20); time.sleep(25)' &
wait
rm -f $W/big.txt
sleep 40
EOF
	rec desktop "idle-then-burst session: 60 s idle, then a pandas session (256 MB frame), od|gzip of a 300 MB file, sort -S 600M, a 400 MB buffer, all closed, 40 s idle" \
		sh "$W/desk.sh"
	rm -f "$W/desk.sh" "$W/big.txt"
}

mkdir -p "$W" "$OUT"
for w in "${@:-kbuild postgres pandas nginx desktop}"; do
	for n in $w; do "$n"; done
done
rmdir "$W" 2>/dev/null || true
