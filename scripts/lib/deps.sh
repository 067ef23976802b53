# shellcheck shell=bash
# Dependency helpers for the project's scripts (Debian bookworm, run as root).
# Source it:  . "$(dirname "$0")/../lib/deps.sh"
#
#   deps_apt PKG...        install the packages that are not installed yet
#   deps_kver SERIES       print the newest Debian kernel release of a series
#                          (6.1 or 6.12), plain -amd64 flavour
#   deps_headers SERIES    install linux-headers-<kver>, print its directory
#   deps_kimage KVER...    print the image package of each release, one a
#                          line (linux-image-KVER, or linux-image-KVER-unsigned)
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
	} | sed 's/^linux-headers-//' | { grep -E "$re" || true; } | sort -V | tail -n 1)
	[ -n "$kver" ] || { echo "deps_kver: no $series kernel found in apt" >&2; return 1; }
	echo "$kver"
}

deps_headers() {
	local kver
	kver=$(deps_kver "$1")
	deps_apt "linux-headers-$kver"
	echo "/usr/src/linux-headers-$kver"
}

# _deps_candidates PKG...: "PKG VERSION" for each package apt can install
# (one apt-cache call: each call costs more than half a second)
_deps_candidates() {
	apt-cache policy "$@" 2>/dev/null | awk '
		/^[^ ]/ { sub(/:$/, ""); pkg = $0 }
		/^  Candidate:/ && $2 != "(none)" { print pkg, $2 }'
}

# deps_kimage KVER...: the image package of each kernel release, one a line;
# Debian ships signed images as linux-image-KVER and some releases only as
# linux-image-KVER-unsigned
deps_kimage() {
	local k p have pkgs=()
	for k; do pkgs+=("linux-image-$k" "linux-image-$k-unsigned"); done
	_deps_lists
	have=$(_deps_candidates "${pkgs[@]}")
	for k; do
		p=$(awk -v k="linux-image-$k" '$1 == k { s = $1 } $1 == k "-unsigned" { u = $1 }
			END { print s ? s : u }' <<<"$have")
		[ -n "$p" ] || { echo "deps_kimage: no linux-image package for $k" >&2; return 1; }
		echo "$p"
	done
}

# _deps_debs DIR PKG...: "PKG PATH" for each package whose candidate's .deb is
# in DIR (apt names it PKG_VERSION_ARCH.deb, with an epoch's ':' as %3a)
_deps_debs() {
	local dir=$1 p v deb
	shift
	_deps_candidates "$@" | while read -r p v; do
		if deb=$(compgen -G "$dir/${p}_${v//:/%3a}_*.deb" | head -n 1); then
			echo "$p $deb"
		fi
	done
}

# _deps_deb_of PKG LIST: the path for PKG in _deps_debs' output
_deps_deb_of() {
	awk -v p="$1" '$1 == p { print $2; exit }' <<<"$2"
}

deps_download() {
	local dir=$XSB_CACHE/debs p have deb
	local -a missing=()
	mkdir -p "$dir"
	_deps_lists
	have=$(_deps_debs "$dir" "$@")
	for p in "$@"; do
		[ -n "$(_deps_deb_of "$p" "$have")" ] || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		( cd "$dir" && _deps_apt_get -o APT::Sandbox::User=root download "${missing[@]}" )
		# the lists may have been updated on the way: ask again
		have=$(_deps_debs "$dir" "$@")
	fi
	for p in "$@"; do
		deb=$(_deps_deb_of "$p" "$have")
		[ -n "$deb" ] || { echo "deps_download: no .deb for $p" >&2; return 1; }
		echo "$deb"
	done
}
