#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make patches: the in-tree driver as a git format-patch series against a
# clean Debian linux-source-6.12 tree.
#
#   scripts/patches.sh          write out/patches/*.patch, check them, print
#                               one PASS/FAIL line per check
#
# The series is generated at run time from the project's own files (the
# sources, Kconfig, the kbuild part of ./Makefile, Documentation/), so there
# is one copy of everything; scripts/patches/ holds only what exists nowhere
# else: the commit messages (NN-*.msg), the small hunks for files of the
# kernel (*.diff) and the kernel-parameters.txt entries.
#
#   1/4 mm: zswap: zswap_writeback_pages(), for frontswap self-shrinking
#       (zswap-writeback.diff; 00-zswap-writeback.msg)
#   2/4 xen: selfballoon policy and its KUnit suites (drivers/xen/selfballoon/)
#   3/4 xen: the selfballoon driver, hooked into xen-balloon.c
#   4/4 Documentation: admin guide, ABI, kernel parameters
#
# Each patch builds on its own: the driver (3/4) is the first to call
# zswap_writeback_pages().
#
# The clean tree lives in
#   ${XSB_CACHE:-~/.cache/xen-selfballoon}/intree/linux-source-<deb version>/
# as a git repository (repo/, branch "base": the tarball as Debian ships it);
# the series is committed in the worktree series/ (branch "series"), checked
# with scripts/checkpatch.pl --strict in tree mode, and applied with git am
# to a fresh worktree (am-check/, removed afterwards) whose tree must equal
# the series'.  Author and Signed-off-by are git config user.name and
# user.email (of this repository), else the project's default identity;
# the dates are SOURCE_DATE_EPOCH, else the project's last commit, so the
# same sources give the same series.
#
# Sourced (scripts/intree.sh does), this file only defines the xsb_intree_*
# and xsb_series_* helpers.

XSB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/kunit.sh
. "$XSB_ROOT/scripts/kunit.sh"	# xsb_ksrc_version, XSB_KSRC_*, deps_apt

XSB_PATCHES_SRC=$XSB_ROOT/scripts/patches
XSB_DEFAULT_NAME="xen-selfballoon developers"
XSB_DEFAULT_EMAIL="xen-devel@lists.xenproject.org"
XSB_SB_DIR=drivers/xen/selfballoon

# The cache directory of the installed linux-source-6.12 version.
xsb_intree_cache() {
	local ver
	ver=$(xsb_ksrc_version) && [ -n "$ver" ] || return 1
	echo "$XSB_CACHE/intree/linux-source-$ver"
}

# Install linux-source-6.12 and make the clean tree a git repository once
# (commit "base", dated like the tarball); print the repository's path.
# kunit.sh extracts the same tarball, but edits its tree in place
# (drivers/Makefile, drivers/Kconfig), so the clean tree is a tree of its own.
xsb_intree_repo() {
	local cache
	deps_apt "$XSB_KSRC_PKG" xz-utils git >&2 || return 1
	cache=$(xsb_intree_cache) || return 1
	mkdir -p "$cache" || return 1
	if [ ! -e "$cache/repo.stamp" ]; then
		(
			flock 9
			[ -e "$cache/repo.stamp" ] && exit 0
			echo "intree: extracting $XSB_KSRC_TARBALL into $cache/repo" >&2
			rm -rf "$cache/repo" "$cache/repo.tmp" &&
			mkdir "$cache/repo.tmp" &&
			tar -xJf "$XSB_KSRC_TARBALL" -C "$cache/repo.tmp" \
				--strip-components=1 &&
			cd "$cache/repo.tmp" &&
			git init -q -b base . &&
			git config gc.auto 0 &&
			# Debian's top-level .gitignore ignores everything ("/*")
			git add -f -A &&
			date="@$(stat -c %Y "$XSB_KSRC_TARBALL") +0000" &&
			GIT_AUTHOR_NAME="Debian $XSB_KSRC_PKG" \
			GIT_AUTHOR_EMAIL=nobody@localhost \
			GIT_COMMITTER_NAME="Debian $XSB_KSRC_PKG" \
			GIT_COMMITTER_EMAIL=nobody@localhost \
			GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
				git commit -q -m "Linux $(xsb_ksrc_version) ($XSB_KSRC_PKG as shipped by Debian)" &&
			cd "$cache" && mv repo.tmp repo &&
			xsb_ksrc_version >repo.stamp
		) 9>"$cache/repo.lock" || return 1
	fi
	echo "$cache/repo"
}

# xsb_worktree REPO DIR: DIR as a worktree of REPO, detached at "base",
# clean.  An existing worktree is reused: git touches only the files that
# differ, so kbuild in a tree built before sees only real changes.
xsb_worktree() {
	local repo=$1 dir=$2
	if [ ! -e "$dir/.git" ]; then
		rm -rf "$dir"
		git -C "$repo" worktree prune
		git -C "$repo" worktree add -q --detach "$dir" base || return 1
	fi
	git -C "$dir" checkout -q --detach -f base &&
	git -C "$dir" clean -q -f -d -x
}

xsb_identity() {
	local name email
	name=$(git -C "$XSB_ROOT" config user.name 2>/dev/null || true)
	email=$(git -C "$XSB_ROOT" config user.email 2>/dev/null || true)
	if [ -z "$name" ] || [ -z "$email" ]; then
		name=$XSB_DEFAULT_NAME email=$XSB_DEFAULT_EMAIL
	fi
	printf '%s <%s>\n' "$name" "$email"
}

# ---- the generators: each writes one patch's changes into the tree $1 ----

# mm/zswap.c and include/linux/zswap.h: the writeback the built-in driver's
# frontswap self-shrinking calls
gen_zswap() {
	git -C "$1" apply "$XSB_PATCHES_SRC/zswap-writeback.diff"
}

# kconfig_block NAME: the "config NAME" block of the project's Kconfig,
# without trailing blank lines
kconfig_block() {
	awk -v sym="config $1" '
		$0 == sym { on = 1 }
		on && /^(config|menuconfig|choice|endmenu|menu|source|if|endif)([ \t]|$)/ && $0 != sym { exit }
		on { buf = buf $0 "\n"; if ($0 != "") { printf "%s", buf; buf = "" } }
	' "$XSB_ROOT/Kconfig"
}

# The KUnit symbol in tree: the suites are #included into the policy files,
# which the driver links into the kernel, so the symbol is a bool on a
# built-in KUnit (as DAMON_KUNIT_TEST); a module of those objects would
# have no MODULE_LICENSE.  And in tree they build only with CONFIG_XEN
# (the Xen menu), so not under UML.  These edits do nothing once ./Kconfig
# says the same (proposed to the project).
kconfig_kunit_block() {
	kconfig_block XEN_SELFBALLOON_KUNIT_TEST |
		sed -e 's/^\ttristate "/\tbool "/' \
		    -e 's/^\tdepends on KUNIT$/\tdepends on KUNIT=y/' |
		# in tree they need CONFIG_XEN (the Xen menu), not UML
		perl -0pe 's/  They need no Xen and\n\t  run under UML\./  They test\n\t  arithmetic only and need no hypervisor; built in, they run at boot./'
}

# insert_before FILE LINE TEXTFILE: put TEXTFILE's lines before the first
# line equal to LINE; fail if there is none
insert_before() {
	awk -v at="$2" -v text="$3" '
		!done && $0 == at { while ((getline l < text) > 0) print l; done = 1 }
		{ print }
		END { exit !done }' "$1" >"$1.new" && mv "$1.new" "$1"
}

# insert_after FILE LINE TEXTFILE
insert_after() {
	awk -v at="$2" -v text="$3" '
		{ print }
		!done && $0 == at { while ((getline l < text) > 0) print l; done = 1 }
		END { exit !done }' "$1" >"$1.new" && mv "$1.new" "$1"
}

# The kbuild part of ./Makefile (between "ifneq ($(KERNELRELEASE),)" and
# "else"), without the block that makes an external build a module.
makefile_kbuild_part() {
	awk '
		/^ifneq \(\$\(KERNELRELEASE\),\)$/ { on = 1; next }
		on && /^else$/ { exit }
		on && /^ifneq \(\$\(KBUILD_EXTMOD\),\)$/ { skip = 1; next }
		skip { if (/^endif$/) skip = 0; next }
		on { print }
	' "$XSB_ROOT/Makefile" | cat -s | sed -e '1{/^$/d}' | sed -e '${/^$/d}'
}

# The selfballoon/Makefile: the driver's composite object (patch 2 on)
# and the policy objects that carry the KUnit suites.
selfballoon_makefile() {
	local with_driver=$1
	cat <<'EOF'
# SPDX-License-Identifier: GPL-2.0
#
# Xen selfballooning.  selfballoon-policy.c and frontswap-shrink.c are the
# policy, free of Xen headers; each #includes its KUnit suites from tests/
# when CONFIG_XEN_SELFBALLOON_KUNIT_TEST is set.

EOF
	if [ "$with_driver" = 1 ]; then
		makefile_kbuild_part
		echo
	fi
	# shellcheck disable=SC2016 # make variables
	printf 'obj-$(CONFIG_XEN_SELFBALLOON_KUNIT_TEST) += selfballoon-policy.o \\\n'
	printf '\t\t\t\t\t     frontswap-shrink.o\n'
}

# maintainers_entry FILE-PATTERN...: the MAINTAINERS section, placed in
# alphabetical order (before "XEN SOUND FRONTEND DRIVER")
maintainers_entry() {
	local tree=$1 tmp f
	shift
	tmp=$(mktemp)
	{
		echo "XEN SELFBALLOONING DRIVER"
		printf 'M:\t%s\n' "$(xsb_identity)"
		printf 'L:\txen-devel@lists.xenproject.org (moderated for non-subscribers)\n'
		printf 'S:\tMaintained\n'
		for f; do printf 'F:\t%s\n' "$f"; done
		echo
	} >"$tmp"
	# replace an entry from an earlier patch
	awk '
		$0 == "XEN SELFBALLOONING DRIVER" { skip = 1; next }
		skip { if ($0 == "") skip = 0; next }
		{ print }' "$tree/MAINTAINERS" >"$tree/MAINTAINERS.new" &&
		mv "$tree/MAINTAINERS.new" "$tree/MAINTAINERS" &&
		insert_before "$tree/MAINTAINERS" "XEN SOUND FRONTEND DRIVER" "$tmp"
	local rc=$?
	rm -f "$tmp"
	return $rc
}

gen_policy() {
	local tree=$1 dir=$1/$XSB_SB_DIR f tmp
	mkdir -p "$dir/tests" || return 1
	for f in selfballoon-policy.h selfballoon-policy.c frontswap-shrink.c; do
		install -m 0644 "$XSB_ROOT/$f" "$dir/$f" || return 1
	done
	for f in "$XSB_ROOT"/tests/*-kunit.h; do
		install -m 0644 "$f" "$dir/tests/${f##*/}" || return 1
	done
	selfballoon_makefile 0 >"$dir/Makefile" || return 1

	tmp=$(mktemp)
	{ kconfig_kunit_block; echo; } >"$tmp"
	insert_before "$tree/drivers/xen/Kconfig" "config XEN_BALLOON_MEMORY_HOTPLUG" "$tmp" ||
		{ rm -f "$tmp"; return 1; }
	# shellcheck disable=SC2016 # a make variable
	printf 'obj-$(CONFIG_XEN_SELFBALLOON_KUNIT_TEST)\t+= selfballoon/\n' >"$tmp"
	# shellcheck disable=SC2016 # a make variable
	insert_after "$tree/drivers/xen/Makefile" \
		"$(printf 'obj-$(CONFIG_XEN_BALLOON)\t\t+= xen-balloon.o')" "$tmp" ||
		{ rm -f "$tmp"; return 1; }
	rm -f "$tmp"
	maintainers_entry "$tree" \
		"$XSB_SB_DIR/frontswap-shrink.c" \
		"$XSB_SB_DIR/selfballoon-policy.c" \
		"$XSB_SB_DIR/selfballoon-policy.h" \
		"$XSB_SB_DIR/tests/"
}

# driver_files: the driver's sources in the project, one a line: the .c of
# every object of xen_selfballoon-y in ./Makefile and every project header
# they #include "..." (transitively), less the policy's (patch 1)
driver_files() {
	local objs f inc todo=() seen=" selfballoon-policy.c selfballoon-policy.h frontswap-shrink.c "
	objs=$(makefile_kbuild_part | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' |
		sed -n 's/^xen_selfballoon-y[[:space:]]*[:+]*=//p')
	for f in $objs; do todo+=("${f%.o}.c"); done
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		case $seen in *" $f "*) continue ;; esac
		seen="$seen$f "
		[ -f "$XSB_ROOT/$f" ] || { echo "patches: $f is missing" >&2; return 1; }
		echo "$f"
		while IFS= read -r inc; do
			[ -f "$XSB_ROOT/$inc" ] && todo+=("$inc")
		done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$XSB_ROOT/$f")
	done
}

gen_driver() {
	local tree=$1 dir=$1/$XSB_SB_DIR f files tmp
	files=$(driver_files) || return 1
	deps_apt unifdef >&2 || return 1
	for f in $files; do
		install -m 0644 "$XSB_ROOT/$f" "$dir/$f" || return 1
		# the out-of-tree build's branches for older kernels (./Makefile)
		# are not for the kernel the series is for; unifdef: 0 unchanged,
		# 1 changed, 2 trouble
		unifdef -UXSB_OLD_SHRINKER_API -o "$dir/$f" "$dir/$f"
		[ $? -le 1 ] || return 1
	done
	selfballoon_makefile 1 >"$dir/Makefile" || return 1

	tmp=$(mktemp)
	{ kconfig_block XEN_SELFBALLOONING; echo; } >"$tmp"
	insert_before "$tree/drivers/xen/Kconfig" "config XEN_SELFBALLOON_KUNIT_TEST" "$tmp" ||
		{ rm -f "$tmp"; return 1; }
	# shellcheck disable=SC2016 # a make variable
	printf 'obj-$(CONFIG_XEN_SELFBALLOONING)\t\t+= selfballoon/\n' >"$tmp"
	# shellcheck disable=SC2016 # a make variable
	insert_after "$tree/drivers/xen/Makefile" \
		"$(printf 'obj-$(CONFIG_XEN_BALLOON)\t\t+= xen-balloon.o')" "$tmp" ||
		{ rm -f "$tmp"; return 1; }
	rm -f "$tmp"
	git -C "$tree" apply "$XSB_PATCHES_SRC/balloon-h.diff" \
		"$XSB_PATCHES_SRC/xen-balloon-c.diff" || return 1
	maintainers_entry "$tree" "$XSB_SB_DIR/"
}

gen_docs() {
	local tree=$1 tmp
	install -m 0644 "$XSB_ROOT/Documentation/xen-selfballoon.rst" \
		"$tree/Documentation/admin-guide/xen-selfballoon.rst" || return 1
	install -m 0644 "$XSB_ROOT/Documentation/ABI/testing/sysfs-devices-system-xen_memory-selfballoon" \
		"$tree/Documentation/ABI/testing/" || return 1
	tmp=$(mktemp)
	echo "   xen-selfballoon" >"$tmp"
	insert_before "$tree/Documentation/admin-guide/index.rst" "   xfs" "$tmp" ||
		{ rm -f "$tmp"; return 1; }
	rm -f "$tmp"
	kernel_parameters "$tree/Documentation/admin-guide/kernel-parameters.txt" ||
		return 1
	maintainers_entry "$tree" \
		"Documentation/ABI/testing/sysfs-devices-system-xen_memory-selfballoon" \
		"Documentation/admin-guide/xen-selfballoon.rst" \
		"$XSB_SB_DIR/"
}

# The entries of scripts/patches/kernel-parameters.txt (separated by blank
# lines), each put after the entry that precedes it alphabetically (the
# file is not sorted everywhere, so "the first entry after it" would not do).
kernel_parameters() {
	awk -v entries="$XSB_PATCHES_SRC/kernel-parameters.txt" '
		function key(s) { s = tolower(s); gsub(/[^a-z0-9]/, "", s); return s }
		BEGIN {
			n = 0
			while ((getline l < entries) > 0) {
				if (l == "") { if (cur != "") { e[++n] = cur; cur = "" } continue }
				if (l ~ /^#/) continue
				cur = cur l "\n"
			}
			if (cur != "") e[++n] = cur
			for (i = 1; i <= n; i++) { split(e[i], w, /[ \t\n]+/); k[i] = key(w[2]) }
		}
		# pass 1: the line of each entry head (one tab and a name) and,
		# for each new entry, the head of its alphabetical predecessor
		NR == FNR {
			if (/^\tacpi=/) started = 1
			if (started && /^\t[^\t ]/) {
				split($0, w, /[ \t]+/); h = key(w[2]); head[FNR] = 1
				for (i = 1; i <= n; i++)
					if (h < k[i] && h > best[i]) { best[i] = h; at[i] = FNR }
			}
			next
		}
		# pass 2: a new entry goes before the first head after its
		# predecessor
		head[FNR] {
			for (i = 1; i <= n; i++)
				if (!done[i] && at[i] && FNR > at[i]) { printf "%s\n", e[i]; done[i] = 1 }
		}
		{ print }
		END { for (i = 1; i <= n; i++) if (!done[i]) exit 1 }
	' "$1" "$1" >"$1.new" && mv "$1.new" "$1"
}

# ---- the series ----------------------------------------------------------

# xsb_series_commit TREE MSGFILE: commit everything in TREE with the message
# in MSGFILE and the Signed-off-by of the identity
xsb_series_commit() {
	local tree=$1 msg=$2 id name email date
	id=$(xsb_identity)
	name=${id% <*} email=${id##*<} email=${email%>}
	date="@${SOURCE_DATE_EPOCH:-$(git -C "$XSB_ROOT" log -1 --format=%ct 2>/dev/null || echo 0)} +0000"
	git -C "$tree" add -f -A &&
	{ grep -v '^#' "$msg"; printf '\nSigned-off-by: %s\n' "$id"; } |
	GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email \
	GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email \
	GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
		git -C "$tree" commit -q --cleanup=verbatim -F -
}

# xsb_series_build: (re)build the series in the worktree series/; print
# the worktree's path.  The series' commit is the branch "series".
xsb_series_build() {
	local repo cache wt
	repo=$(xsb_intree_repo) || return 1
	cache=$(dirname "$repo")
	wt=$cache/series
	xsb_worktree "$repo" "$wt" >&2 || return 1
	gen_zswap "$wt" && xsb_series_commit "$wt" "$XSB_PATCHES_SRC/00-zswap-writeback.msg" &&
	gen_policy "$wt" && xsb_series_commit "$wt" "$XSB_PATCHES_SRC/01-policy.msg" &&
	gen_driver "$wt" && xsb_series_commit "$wt" "$XSB_PATCHES_SRC/02-driver.msg" &&
	gen_docs "$wt" && xsb_series_commit "$wt" "$XSB_PATCHES_SRC/03-docs.msg" ||
		return 1
	git -C "$wt" branch -q -f series HEAD || return 1
	echo "$wt"
}

# ---- checks ---------------------------------------------------------------

XSB_PASSED=0 XSB_FAILED=0
xsb_pass() { echo "PASS patches $1"; XSB_PASSED=$((XSB_PASSED + 1)); }
xsb_fail() {
	echo "FAIL patches $1: $2"
	[ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/    /'
	XSB_FAILED=$((XSB_FAILED + 1))
}

xsb_patches_main() {
	local wt repo out=$XSB_ROOT/out/patches p out_cp am n
	exec 7>"$XSB_CACHE/intree.lock" 2>/dev/null || {
		mkdir -p "$XSB_CACHE" && exec 7>"$XSB_CACHE/intree.lock"; }
	flock 7
	if ! wt=$(xsb_series_build); then
		xsb_fail series "cannot generate the series in the clean tree"
		return 1
	fi
	repo=$(dirname "$wt")/repo
	rm -rf "$out" && mkdir -p "$out" || return 1
	git -C "$wt" format-patch -q -o "$out" base..series || {
		xsb_fail format-patch "git format-patch failed"; return 1; }
	n=$(find "$out" -name '*.patch' | wc -l)
	if [ "$n" = 4 ]; then xsb_pass format-patch.four_patches; else
		xsb_fail format-patch.four_patches "$n patch files"; fi

	# checkpatch in tree mode, from the tree's top (where it finds its
	# spelling.txt, const_structs.checkpatch and MAINTAINERS)
	for p in "$out"/*.patch; do
		out_cp=$( cd "$wt" && perl scripts/checkpatch.pl --strict "$p" 2>&1 )
		if printf '%s\n' "$out_cp" | grep -q '^total: 0 errors, 0 warnings, 0 checks'; then
			xsb_pass "checkpatch.${p##*/}"
		else
			xsb_fail "checkpatch.${p##*/}" "$(printf '%s\n' "$out_cp" | grep '^total:')" "$out_cp"
		fi
	done

	# the series applies with git am to a clean tree and gives the same tree
	am=$(dirname "$wt")/am-check
	rm -rf "$am"; git -C "$repo" worktree prune
	if git -C "$repo" worktree add -q --detach "$am" base &&
	   am_out=$(git -C "$am" -c user.name=am-check -c user.email=am@localhost \
			am -q "$out"/*.patch 2>&1) &&
	   [ "$(git -C "$am" rev-parse 'HEAD^{tree}')" = "$(git -C "$wt" rev-parse 'series^{tree}')" ]; then
		xsb_pass git-am.applies_to_clean_tree
	else
		xsb_fail git-am.applies_to_clean_tree "git am on a fresh worktree of base failed or gave another tree" "${am_out:-}"
	fi
	git -C "$repo" worktree remove --force "$am" 2>/dev/null || rm -rf "$am"
	git -C "$repo" worktree prune

	echo "patches: $out ($(git -C "$wt" rev-parse --short 'series^{tree}') on $(basename "$(dirname "$wt")"))" >&2
	git -C "$wt" log --format='  %s' base..series >&2
	echo "$XSB_PASSED passed, $XSB_FAILED failed"
	[ "$XSB_FAILED" = 0 ]
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	set -o pipefail
	xsb_patches_main "$@"
	exit
fi
