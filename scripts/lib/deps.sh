# shellcheck shell=bash
# Dependency helpers for the project's scripts (Debian bookworm, run as root).
# Source it:  . "$(dirname "$0")/../lib/deps.sh"
#
#   deps_apt PKG...        install the packages that are not installed yet
#   deps_kver SERIES       print the newest Debian kernel release of a series
#                          (6.1 or 6.12), plain -amd64 flavour
#   deps_headers SERIES    install linux-headers-<kver>, print its directory
#   deps_download PKG...   fetch .debs (not installed) into $XSB_CACHE/debs,
#                          print their paths, one per line
#
# Everything downloaded or built lives under XSB_CACHE, never in the repo.
# All apt output goes to stderr so that stdout carries only the results.

XSB_CACHE=${XSB_CACHE:-$HOME/.cache/xen-selfballoon}
export DEBIAN_FRONTEND=noninteractive

# apt-get update, at most once an hour (a stamp file remembers it across the
# subshells and scripts of one run); fails if it was done already, so a caller
# that retries after an update does not retry for nothing.
_deps_update() {
	local stamp=$XSB_CACHE/apt-update.stamp
	[ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ] || return 1
	echo "deps: apt-get update" >&2
	apt-get update -q >&2
	mkdir -p "$XSB_CACHE" && touch "$stamp"
}

# Package lists are needed for any look-up; a fresh machine may have none.
_deps_lists() {
	compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null || _deps_update || true
}

# Run apt-get; on failure (stale lists: a version gone from the archive, a
# package not known yet) update the lists once and try again.
_deps_apt_get() {
	apt-get -q "$@" >&2 || { _deps_update && apt-get -q "$@" >&2; }
}

_deps_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

deps_apt() {
	local p missing=()
	for p in "$@"; do
		_deps_installed "$p" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "deps: installing ${missing[*]}" >&2
	_deps_lists
	_deps_apt_get install -y --no-install-recommends "${missing[@]}"
}

# Kernel releases look like 6.1.0-57-amd64 or 6.12.117+deb12-amd64; the
# -cloud/-rt flavours and the linux-headers-6.12-amd64 meta package do not match.
_deps_kver_re() {
	local series=${1//./\\.}
	echo "^${series}\.[0-9]+(-[0-9]+)?(\+deb[0-9]+)?-amd64$"
}

deps_kver() {
	local series=$1 re kver
	case $series in 6.1|6.12) ;; *) echo "deps_kver: series must be 6.1 or 6.12" >&2; return 2 ;; esac
	re=$(_deps_kver_re "$series")
	_deps_lists
	# Candidates: what the archive offers plus any headers already installed
	# (so an installed release wins only while nothing newer is available).
	kver=$( {
		apt-cache search --names-only "^linux-headers-${series//./\\.}\." | awk '{print $1}'
		dpkg-query -W -f='${Package} ${Status}\n' 'linux-headers-*' 2>/dev/null |
			awk '/install ok installed/ {print $1}'
	} | sed 's/^linux-headers-//' | grep -E "$re" | sort -V | tail -n 1)
	[ -n "$kver" ] || { echo "deps_kver: no $series kernel found in apt" >&2; return 1; }
	echo "$kver"
}

deps_headers() {
	local kver
	kver=$(deps_kver "$1")
	deps_apt "linux-headers-$kver"
	echo "/usr/src/linux-headers-$kver"
}

# The .deb file name apt would give PKG's candidate version (epoch ':' is
# written as %3a), as a glob over the architecture part.
_deps_deb_glob() {
	local ver
	ver=$(apt-cache policy "$1" | awk '/Candidate:/ {print $2}')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || return 1
	echo "${1}_${ver//:/%3a}_*.deb"
}

deps_download() {
	local dir=$XSB_CACHE/debs p glob deb
	mkdir -p "$dir"
	_deps_lists
	for p in "$@"; do
		glob=$(_deps_deb_glob "$p") || true
		deb=$(compgen -G "$dir/${glob:-none}" | head -n 1) || true
		if [ -z "$deb" ]; then
			( cd "$dir" && _deps_apt_get -o APT::Sandbox::User=root download "$p" )
			# the lists may have been updated: ask for the candidate again
			glob=$(_deps_deb_glob "$p") || true
			deb=$(compgen -G "$dir/${glob:-none}" | head -n 1) || true
			[ -n "$deb" ] || { echo "deps_download: $p: no .deb after download" >&2; return 1; }
		fi
		echo "$deb"
	done
}
