/**
 * The POSIX sh scripts kubelab runs inside a node container (`docker exec C sh -c SCRIPT sh ARGS…`).
 * They use only what both a kindest/node image (Debian: dash, GNU coreutils) and busybox provide.
 * Paths always travel as arguments, never inside the script text, so no quoting can break.
 */

/** Exit status a script uses for "no such file or folder" (any status the tools themselves do not use). */
export const MISSING = 44

/** $1: the file. Prints it, or exits MISSING. */
export const READ_FILE = `[ -e "$1" ] || exit ${MISSING}; exec cat -- "$1"`

/** $1: the path. Prints "<octal mode> <uid> <gid> <type>" following symlinks, as stat(2) does, or exits MISSING. */
export const STAT = `[ -e "$1" ] || exit ${MISSING}; exec stat -L -c '%a %u %g %F' -- "$1"`

/** $1: the folder. One entry name per line (hidden ones too), or exits MISSING. */
export const LIST_DIR = `[ -d "$1" ] || exit ${MISSING}; exec ls -1A -- "$1"`

/**
 * Every process's pid and command line (/proc/<pid>/cmdline, NUL-separated) framed as
 * "<pid>\\001<cmdline>\\002", preceded by this shell's own pid, which the reader leaves out.
 */
export const PROCESSES = `printf '%s\\002' "$$"; for d in /proc/[0-9]*; do printf '%s\\001' "\${d#/proc/}"; cat "$d/cmdline" 2>/dev/null; printf '\\002'; done`

/**
 * $1: the file, $2: the mode (octal) for a file that does not exist yet. Standard input becomes the
 * file: written to a dot-named temp file in the same folder (the kubelet skips dot files in the
 * manifests folder), given the existing file's mode (else $2), then renamed over the file in one step.
 */
export const WRITE_FILE = [
  'set -e',
  'target="$1"; mode="$2"',
  'folder=$(dirname -- "$target")',
  'staging="$folder/.$(basename -- "$target").kubelab-tmp.$$"',
  'trap \'rm -f -- "$staging"\' EXIT',
  'if [ -e "$target" ]; then mode=$(stat -L -c %a -- "$target"); fi',
  'cat > "$staging"',
  'chmod "$mode" "$staging"',
  'mv -f -- "$staging" "$target"',
  'trap - EXIT',
].join('\n')
