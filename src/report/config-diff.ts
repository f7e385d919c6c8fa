import {paint} from './colour.js'
import {printable} from './evidence.js'

/** A before/after diff of one file or object, as the lab layer returns it. */
export interface ConfigDiffView {
  title: string
  unified: string
}

/**
 * Unified diffs for a terminal: each title, then its lines — added green, removed red, hunk headers cyan, file
 * headers dim when colour is on; control characters shown escaped. jsdiff's "Index:" and "====" banner is left
 * out: it says nothing the title does not.
 */
export function formatConfigDiffs(diffs: readonly ConfigDiffView[], options: {colour: boolean}): string {
  const style = paint(options.colour)
  const lines: string[] = []
  for (const diff of diffs) {
    lines.push(style.bold(diff.title))
    for (const raw of diff.unified.replace(/\n$/, '').split('\n')) {
      if (raw.startsWith('Index: ') || /^=+$/.test(raw)) continue
      const line = printable(raw)
      if (line.startsWith('+++') || line.startsWith('---')) lines.push(style.dim(line))
      else if (line.startsWith('+')) lines.push(style.green(line))
      else if (line.startsWith('-')) lines.push(style.red(line))
      else if (line.startsWith('@@')) lines.push(style.cyan(line))
      else lines.push(line)
    }
    lines.push('')
  }
  return lines.join('\n')
}
