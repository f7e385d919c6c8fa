import {isMap, isScalar, isSeq, parseDocument} from 'yaml'

/** The flag a command-line item sets: "--etcd-cafile=/x" → "etcd-cafile". */
function flagOf(item: unknown): string | undefined {
  const value = isScalar(item) ? item.value : item
  if (typeof value !== 'string') return undefined
  return /^--?([^=\s]+)/.exec(value)?.[1]
}

/**
 * A static pod manifest without the named flags in any container's command or args; comments and
 * layout stay as kubeadm wrote them. Returns the text and the flags that were actually there.
 */
export function removeManifestFlags(text: string, flags: readonly string[]): {text: string; removed: string[]} {
  const document = parseDocument(text)
  const wanted = new Set(flags)
  const removed = new Set<string>()
  const containers = document.getIn(['spec', 'containers'])
  if (isSeq(containers)) {
    for (const container of containers.items) {
      if (!isMap(container)) continue
      for (const field of ['command', 'args']) {
        const list = container.get(field)
        if (!isSeq(list)) continue
        list.items = list.items.filter((item) => {
          const flag = flagOf(item)
          if (flag === undefined || !wanted.has(flag)) return true
          removed.add(flag)
          return false
        })
      }
    }
  }
  return {text: removed.size > 0 ? document.toString({lineWidth: 0}) : text, removed: [...removed]}
}

/** A KubeletConfiguration file without the given settings (each a path of field names). */
export function removeKubeletSettings(text: string, settings: readonly string[][]): {text: string; removed: string[][]} {
  const document = parseDocument(text)
  const removed = settings.filter((setting) => document.hasIn(setting))
  for (const setting of removed) document.deleteIn(setting)
  return {text: removed.length > 0 ? document.toString({lineWidth: 0}) : text, removed}
}

/** Prints each process's command line (NUL bytes as spaces), one per line: what `ps` would show, without needing ps in the node. */
export const PROCESS_LINES_SCRIPT = 'for d in /proc/[0-9]*; do tr "\\000" " " < "$d/cmdline" 2>/dev/null && echo; done'

/** The command line of the running `component` process (e.g. "etcd"), from PROCESS_LINES_SCRIPT's output. */
export function componentCommandLine(processLines: string, component: string): string | undefined {
  return processLines
    .split('\n')
    .map((line) => line.trim())
    .find((line) => {
      const program = line.split(' ')[0] ?? ''
      return program === component || program.endsWith(`/${component}`)
    })
}
