#!/bin/bash
# Make sure the Debian packages a task needs are installed.
# Each group maps a file or command the task uses to the Debian 12 package
# that ships it; only the missing ones are installed (as root) or named (as
# anyone else, then exit 1), so calling this before every run costs nothing.
#
#   tools/deps.sh [--check] GROUP...   groups: build image bochs qemu bench, or all of them
#   --check    only report; never install
set -euo pipefail

usage() {
	sed -n '2,8s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}

# "group path-or-command package" lines, shared with tools/doctor.
REQUIREMENTS=$(grep -v '^#' "$(dirname "${BASH_SOURCE[0]}")/deps.list")

check_only=0
groups=()
for arg in "$@"; do
	case "$arg" in
	--check) check_only=1 ;;
	-h|--help) usage ;;
	build|image|bochs|qemu|bench) groups+=("$arg") ;;
	all) groups+=(build image bochs qemu bench) ;;
	*) echo "deps.sh: unknown group '$arg'" >&2; usage 2 >&2 ;;
	esac
done
[ ${#groups[@]} -gt 0 ] || groups=(build image bochs qemu)

missing=()
while read -r group need pkg; do
	[ -n "$group" ] || continue
	case " ${groups[*]} " in *" $group "*) ;; *) continue ;; esac
	if [[ "$need" == /* ]]; then
		[ -e "$need" ] && continue
	else
		command -v "$need" >/dev/null 2>&1 && continue
	fi
	case " ${missing[*]-} " in *" $pkg "*) ;; *) missing+=("$pkg") ;; esac
done <<<"$REQUIREMENTS"

[ ${#missing[@]} -eq 0 ] && exit 0

# bochs-term is named beside bochs so apt satisfies bochs's "a GUI" dependency
# with it rather than pulling in wxWidgets; the display used is rfb anyway.
line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$check_only" = 1 ] || [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing Debian packages; run as root:" >&2
	echo "  $line" >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; then
	# A fresh machine has no package lists yet.
	apt-get update -qq
	apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
