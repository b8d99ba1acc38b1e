#!/usr/bin/env bash
# load.sh: run lode's retrieval and overhead benchmarks twice, idle and
# beside `stress-ng --cpu 4`, and print both side by side, so that every
# change is measured on a quiet and on a busy machine (make load).
#
# LOAD_BENCH selects the cmd/lode benchmarks (a regexp; default all of
# them); LODE_BENCH_ROOT the workspace of the whole-session benchmarks (by
# default a copy of the Go standard library under $TMPDIR, made once:
# lode refuses folders under /usr; the warm-session benchmarks index and
# learn it into the user's cache on their first run). Needs stress-ng (Debian: apt-get install
# -y stress-ng).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v stress-ng >/dev/null || { echo "load.sh: stress-ng is needed (Debian: apt-get install -y stress-ng)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

export CGO_ENABLED=1
go test -c -o "$out/lode.test" ./cmd/lode
go test -c -o "$out/retrieve.test" ./context/retrieve

# name package benchtime: one benchmark, run in a process of its own so
# that its peak RSS is its own.
benches=(
	"BenchmarkServerOverhead lode 300x"
	"BenchmarkFirstRequestAfterOpen lode 400x"
	"BenchmarkEmbeddedOverhead lode 300x"
	"BenchmarkLoadFirstIndex lode 200x"
	"BenchmarkLoadLargeDocument lode 100x"
	"BenchmarkLoadEditBurst lode 1x"
	"BenchmarkLoadHugeDocument lode 1x"
	"BenchmarkRetrieve retrieve 2000x"
)
select=${LOAD_BENCH:-.}

run() { # phase
	local phase=$1 b pkg n dir
	for line in "${benches[@]}"; do
		read -r b pkg n <<<"$line"
		[[ $b =~ $select ]] || continue
		dir=cmd/lode
		[ "$pkg" = retrieve ] && dir=context/retrieve
		echo "== $phase: $b" >&2
		(cd "$dir" && "$out/$pkg.test" -test.run '^$' -test.bench "^$b\$" -test.benchtime "$n" -test.timeout 30m) |
			grep '^Benchmark' >>"$out/$phase" || echo "load.sh: $b failed ($phase)" >&2
	done
}

run idle
stress-ng --cpu 4 --quiet &
stress=$!
trap 'kill $stress 2>/dev/null || true; rm -rf "$out"' EXIT
run loaded
kill $stress 2>/dev/null || true
wait $stress 2>/dev/null || true

# Side by side: one row per benchmark and metric.
awk '
function parse(line, phase,   f, i, name) {
	n = split(line, f, /[ \t]+/)
	name = f[1]; sub(/-[0-9]+$/, "", name)
	if (!(name in seen)) { seen[name] = 1; order[++count] = name }
	for (i = 3; i < n; i += 2) {
		key = name SUBSEP f[i+1]
		if (!(key in unitseen)) { unitseen[key] = 1; units[name] = units[name] " " f[i+1] }
		val[phase, key] = f[i]
	}
}
FNR == 1 { phase++ }
/^Benchmark/ { parse($0, phase) }
END {
	printf "%-36s %-22s %12s %12s %8s\n", "benchmark", "metric", "idle", "loaded", "ratio"
	for (c = 1; c <= count; c++) {
		name = order[c]
		m = split(substr(units[name], 2), us, " ")
		for (j = 1; j <= m; j++) {
			key = name SUBSEP us[j]
			a = val[1, key]; b = val[2, key]
			r = (a + 0 != 0 && b != "") ? sprintf("%.2f", b / a) : "-"
			printf "%-36s %-22s %12s %12s %8s\n", name, us[j], a == "" ? "-" : a, b == "" ? "-" : b, r
		}
	}
}' "$out/idle" "$out/loaded"
