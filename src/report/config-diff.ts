import {paint} from './colour.js'

/** A before/after diff of one file or object, as the lab layer returns it. */
export interface ConfigDiffView {
  title: string
  unified: string
}

/** Unified diffs for a terminal: added lines green, removed lines red, hunk headers cyan when colour is on. */
export function formatConfigDiffs(diffs: readonly ConfigDiffView[], options: {colour: boolean}): string {
  const style = paint(options.colour)
  const lines: string[] = []
  for (const diff of diffs) {
    lines.push(style.bold(diff.title))
    for (const line of diff.unified.replace(/\n$/, '').split('\n')) {
      if (line.startsWith('===')) continue
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
