import {NODE_PATH_PREFIXES} from '../node/layout.js'

/** True for /etc/kubernetes and anything below it (not /etc/kubernetes-old), and likewise for every node prefix. */
export function isNodePath(value: string): boolean {
  return NODE_PATH_PREFIXES.some((prefix) => value === prefix || value.startsWith(`${prefix}/`))
}

/** What goes before a node path to make it a path on this machine: nothing when the node root is "/" itself. */
export function nodeRootPrefix(nodeRoot: string): string {
  return nodeRoot === '/' ? '' : nodeRoot
}

/**
 * Rewrites the node paths in one command-line value: the whole value, or each item of a comma
 * list (`/etc/a.crt,/etc/a.key`). Anything else in the list — URLs, names, numbers — stays as it is.
 * The node root is prepended as text so suffixes such as `:*.example.com` survive.
 */
export function translateValue(value: string, nodeRoot: string): string {
  const prefix = nodeRootPrefix(nodeRoot)
  if (!value.includes(',')) return isNodePath(value) ? prefix + value : value
  return value
    .split(',')
    .map((item) => (isNodePath(item) ? prefix + item : item))
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
  const prefix = nodeRootPrefix(nodeRoot)
  return prefix !== '' && hostPath.startsWith(`${prefix}/`) ? hostPath.slice(prefix.length) : hostPath
}
