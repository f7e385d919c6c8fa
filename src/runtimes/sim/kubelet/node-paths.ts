import {NODE_PATH_PREFIXES} from '../node/layout.js'

/** True for /etc/kubernetes and anything below it (not /etc/kubernetes-old), and likewise for every node prefix. */
export function isNodePath(value: string): boolean {
  return NODE_PATH_PREFIXES.some((prefix) => value === prefix || value.startsWith(`${prefix}/`))
}

/**
 * Rewrites the node paths in one command-line value: the whole value, or each item of a comma
 * list (`/etc/a.crt,/etc/a.key`). Anything else in the list — URLs, names, numbers — stays as it is.
 * The node root is prepended as text so suffixes such as `:*.example.com` survive.
 */
export function translateValue(value: string, nodeRoot: string): string {
  if (!value.includes(',')) return isNodePath(value) ? nodeRoot + value : value
  return value
    .split(',')
    .map((item) => (isNodePath(item) ? nodeRoot + item : item))
    .join(',')
}

/**
 * Moves every node path in a command line into the node root: in `--flag=/path`, in the word after
 * `--flag` (`--flag /path`), in bare positions, and inside comma lists. Flag names stay untouched.
 */
export function translateArgs(args: readonly string[], nodeRoot: string): string[] {
  return args.map((arg) => {
    if (arg.startsWith('-')) {
      const equals = arg.indexOf('=')
      return equals === -1 ? arg : arg.slice(0, equals + 1) + translateValue(arg.slice(equals + 1), nodeRoot)
    }
    return translateValue(arg, nodeRoot)
  })
}

/** The node path a translated host path stands for, or the path unchanged when it is outside the node root. */
export function toNodePath(hostPath: string, nodeRoot: string): string {
  return hostPath.startsWith(`${nodeRoot}/`) ? hostPath.slice(nodeRoot.length) : hostPath
}
