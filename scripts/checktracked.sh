#!/usr/bin/env bash
# Fails when git tracks a file larger than 1 MiB or an executable binary
# (an ELF, Mach-O or PE image, or any file with the executable bit whose
# first bytes hold a NUL). Build outputs belong in .gitignore, not in history:
# once committed, every clone carries them for good.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

limit=$((1024 * 1024))
bad=0
while IFS= read -r -d '' entry; do
	mode=${entry%% *}
	file=${entry#*$'\t'}
	[[ -f "$file" ]] || continue
	size=$(stat -c %s -- "$file")
	if ((size > limit)); then
		echo "$file: tracked file of $size bytes, limit $limit" >&2
		bad=1
	fi
	magic=$(head -c 4 -- "$file" | od -An -tx1 | tr -d ' \n')
	case "$magic" in
	7f454c46 | cffaedfe | cefaedfe | feedfacf | feedface | 4d5a*)
		echo "$file: tracked executable image (magic $magic); build outputs belong in .gitignore" >&2
		bad=1
		continue
		;;
	esac
	if [[ "$mode" == 100755 ]] && (($(head -c 8000 -- "$file" | tr -dc '\000' | wc -c) > 0)); then
		echo "$file: tracked executable with binary content" >&2
		bad=1
	fi
done < <(git ls-files -s -z)
exit "$bad"
