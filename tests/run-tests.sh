#!/bin/bash
# Run Hinoki's tests and print one closing line "N passed, N failed".
# Host unit tests first (every build/tests/test_* binary, built by `make unit`,
# and every tests/unit/test_*.py, which test the Python tools),
# then the emulator integration tests of tests/integration/manifest,
# kvm-unit-tests' x86 tests listed in tests/kut-pass (tools/kut/kut.py; said
# and skipped when ../shared/kvm-unit-tests is missing, or KUT=DIR names none)
# `make bench` in short (tests/integration/bench_smoke.py) and the screen
# console read from a QEMU screenshot (tests/integration/screen_console.py).
#
#   tests/run-tests.sh                 everything
#   tests/run-tests.sh unit            only the unit test binaries
#   tests/run-tests.sh integration     only the integration tests, kut, bench and screen
#   tests/run-tests.sh kut             only the kvm-unit-tests of tests/kut-pass
#   tests/run-tests.sh NAME...         unit tests test_NAME (binary or .py) and/or integration tests NAME (or bench, screen)
#   -v                                 integration: also show run-qemu.sh's notes
#
# A unit binary's "PASS "/"FAIL " lines are counted one each; one that exits
# non-zero or crashes without printing a FAIL line counts as one failure.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
UNIT_DIR="$ROOT/build/tests"
UNIT_TIMEOUT=120
RUNNER="$ROOT/tests/integration/run.py"

usage() { sed -n '2,19s/^# \{0,1\}//p' "$0"; }

run_unit=1
run_integration=1
run_kut=1
run_bench=1
run_screen=1
unit_names=()
integration_names=()
verbose=()
selected=0

known_integration=$("$RUNNER" --list | awk '{ print $1 }') || exit 1
for arg in "$@"; do
	case "$arg" in
	-h|--help) usage; exit 0 ;;
	-v) verbose=(-v) ;;
	unit) selected=1; run_unit=2 ;;
	integration) selected=1; run_integration=2; run_kut=2; run_bench=2; run_screen=2 ;;
	kut) selected=1; run_kut=2 ;;
	bench) selected=1; run_bench=2 ;;
	screen) selected=1; run_screen=2 ;;
	*)
		selected=1
		name=${arg#test_}
		found=0
		if [ -x "$UNIT_DIR/test_$name" ]; then unit_names+=("$UNIT_DIR/test_$name"); found=1; fi
		if [ -x "$ROOT/tests/unit/test_$name.py" ]; then unit_names+=("$ROOT/tests/unit/test_$name.py"); found=1; fi
		if grep -qx -- "$arg" <<<"$known_integration"; then integration_names+=("$arg"); found=1; fi
		if [ "$found" = 0 ]; then
			echo "run-tests: no unit test build/tests/test_$name or tests/unit/test_$name.py and no integration test '$arg'" >&2
			echo "run-tests: integration tests: $(tr "\n" " " <<<"$known_integration")" >&2
			exit 2
		fi
		;;
	esac
done
if [ "$selected" = 1 ]; then
	# Only what was asked for: a whole group (2) or the names given.
	[ "$run_unit" = 2 ] || { [ ${#unit_names[@]} -gt 0 ] && run_unit=3 || run_unit=0; }
	[ "$run_integration" = 2 ] || { [ ${#integration_names[@]} -gt 0 ] && run_integration=3 || run_integration=0; }
	[ "$run_kut" = 2 ] || run_kut=0
	[ "$run_bench" = 2 ] || run_bench=0
	[ "$run_screen" = 2 ] || run_screen=0
fi

passed=0
failed=0

count_lines() { # file -> adds its PASS/FAIL lines to the totals
	local p f
	p=$(grep -c '^PASS ' "$1")
	f=$(grep -c '^FAIL ' "$1")
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -eq 0 ]
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT

if [ "$run_unit" != 0 ]; then
	if [ "$run_unit" = 3 ]; then
		bins=("${unit_names[@]}")
	else
		shopt -s nullglob
		bins=("$UNIT_DIR"/test_* "$ROOT"/tests/unit/test_*.py)   # C binaries, then host Python tools
		shopt -u nullglob
	fi
	[ ${#bins[@]} -gt 0 ] || echo "run-tests: no unit test binaries in build/tests (make unit)"
	for bin in "${bins[@]}"; do
		[ -x "$bin" ] || continue
		name=$(basename "$bin")
		echo "== $name"
		timeout -k 5 "$UNIT_TIMEOUT" "$bin" >"$out" 2>&1 </dev/null
		status=$?
		cat "$out"
		if count_lines "$out" && [ "$status" != 0 ]; then
			[ "$status" = 124 ] && why="timed out after $UNIT_TIMEOUT s" || why="exit status $status"
			echo "FAIL $name ($why without a FAIL line)"
			failed=$((failed + 1))
		fi
	done
fi

if [ "$run_integration" != 0 ]; then
	echo "== integration"
	args=("${verbose[@]}")
	[ "$run_integration" = 3 ] && args+=("${integration_names[@]}")
	"$RUNNER" "${args[@]}" 2>&1 | tee "$out"
	status=${PIPESTATUS[0]}
	if count_lines "$out" && [ "$status" != 0 ]; then
		echo "FAIL integration (runner exit status $status without a FAIL line)"
		failed=$((failed + 1))
	fi
fi

run_counted() { # name command...: run it, show its output, count its PASS/FAIL lines
	local name=$1 status
	shift
	echo "== $name"
	"$@" >"$out" 2>&1 </dev/null
	status=$?
	cat "$out"
	if count_lines "$out" && [ "$status" != 0 ]; then
		echo "FAIL $name (exit status $status without a FAIL line)"
		failed=$((failed + 1))
	fi
}

[ "$run_kut" = 0 ] || run_counted kut "$ROOT/tools/kut/kut.py" --kut "${KUT:-$ROOT/../shared/kvm-unit-tests}" \
	--out "$ROOT/build/test-logs/kut" --expect "$ROOT/tests/kut-pass"
[ "$run_bench" = 0 ] || run_counted bench "$ROOT/tests/integration/bench_smoke.py"
[ "$run_screen" = 0 ] || run_counted screen "$ROOT/tests/integration/screen_console.py"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ $((passed + failed)) -gt 0 ]
