import {visibleWidth} from '../../lesson/render/text.js'

/**
 * Word-wraps one line of (possibly coloured) text to `width` columns; continuation lines start with
 * `indent`. Words are never split, so neither are ANSI sequences inside them; a word longer than the
 * width keeps a line of its own. Without a width the line is returned as it is.
 */
export function wrapLine(text: string, width: number | undefined, indent = ''): string[] {
  if (width === undefined || visibleWidth(text) <= width) return [text]
  const lead = /^ */.exec(text)?.[0] ?? ''
  // Words with the spaces that follow them, so that spacing inside a line survives the wrap.
  const pieces = [...text.slice(lead.length).matchAll(/(\S+)( *)/g)].map((match) => ({word: match[1] ?? '', gap: match[2] ?? ''}))
  const lines: string[] = []
  let current = lead
  let currentWidth = visibleWidth(lead)
  let pendingGap = ''
  let fresh = true
  for (const {word, gap} of pieces) {
    const wordWidth = visibleWidth(word)
    if (!fresh && currentWidth + pendingGap.length + wordWidth > width) {
      lines.push(current)
      current = indent + word
      currentWidth = visibleWidth(indent) + wordWidth
    } else {
      current += pendingGap + word
      currentWidth += pendingGap.length + wordWidth
      fresh = false
    }
    pendingGap = gap
  }
  lines.push(current)
  return lines
}

/** Every line of a text wrapped (see wrapLine), each continuation under the text of its own line. */
export function wrapText(text: string, width: number | undefined, indent = ''): string {
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, width, indent + (/^ */.exec(line)?.[0] ?? '')))
    .join('\n')
}
