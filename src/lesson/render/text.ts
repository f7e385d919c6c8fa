import type {SpanStyle} from './theme.js'

/** A run of inline text with one style. A span whose `text` is "\n" is a hard line break. */
export interface Span {
  text: string
  style: SpanStyle
}

const ANSI = /\u001b\[[0-9;]*m/g

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '')
}

/** Columns a string takes on screen: ANSI sequences take none; every code point one. */
export function visibleWidth(text: string): number {
  return [...stripAnsi(text)].length
}

/**
 * Wraps spans into lines of at most `width` visible columns, breaking only at spaces: a word is never split,
 * so neither is an ANSI sequence, and a word longer than the width gets a line of its own. Each line is painted
 * piece by piece, so no style is left open across a line break (a heading's colour does not leak into the indent
 * of the next line). With `breakLongWords` (for table cells, which cannot overflow) a word wider than the line is
 * cut into pieces of the line's width instead.
 */
export function wrapSpans(
  spans: readonly Span[],
  width: number,
  paint: (text: string, style: SpanStyle) => string,
  {breakLongWords = false}: {breakLongWords?: boolean} = {},
): string[] {
  const lines: Span[][] = [[]]
  let lineWidth = 0
  let word: Span[] = []
  let wordWidth = 0

  const placeWord = (): void => {
    if (word.length === 0) return
    if (breakLongWords && wordWidth > width) {
      const pieces = cutWord(word, width)
      word = []
      wordWidth = 0
      for (const piece of pieces) {
        word = piece
        wordWidth = Math.min(width, spanWidth(piece))
        placeWord()
      }
      return
    }
    let line = lines.at(-1) as Span[]
    if (line.length > 0 && lineWidth + 1 + wordWidth > width) {
      line = []
      lines.push(line)
      lineWidth = 0
    }
    if (line.length > 0) {
      line.push({text: ' ', style: {}})
      lineWidth += 1
    }
    line.push(...word)
    lineWidth += wordWidth
    word = []
    wordWidth = 0
  }

  for (const span of spans) {
    if (span.text === '\n') {
      placeWord()
      lines.push([])
      lineWidth = 0
      continue
    }
    for (const part of span.text.split(/( +)/)) {
      if (part === '') continue
      if (part.startsWith(' ')) placeWord()
      else {
        word.push({text: part, style: span.style})
        wordWidth += [...part].length
      }
    }
  }
  placeWord()
  return lines.map((line) => paintLine(line, paint))
}

function spanWidth(spans: readonly Span[]): number {
  return spans.reduce((sum, span) => sum + [...span.text].length, 0)
}

/** A word's spans cut into consecutive pieces of at most `width` characters, styles kept. */
function cutWord(word: readonly Span[], width: number): Span[][] {
  const pieces: Span[][] = [[]]
  let room = width
  for (const span of word) {
    let characters = [...span.text]
    while (characters.length > 0) {
      if (room === 0) {
        pieces.push([])
        room = width
      }
      const taken = characters.slice(0, room)
      ;(pieces.at(-1) as Span[]).push({text: taken.join(''), style: span.style})
      room -= taken.length
      characters = characters.slice(taken.length)
    }
  }
  return pieces
}

function paintLine(line: readonly Span[], paint: (text: string, style: SpanStyle) => string): string {
  const merged: Span[] = []
  for (const span of line) {
    const last = merged.at(-1)
    if (last && sameStyle(last.style, span.style)) last.text += span.text
    else merged.push({text: span.text, style: span.style})
  }
  return merged.map((span) => paint(span.text, span.style)).join('')
}

function sameStyle(a: SpanStyle, b: SpanStyle): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as Array<keyof SpanStyle>)
  return [...keys].every((key) => Boolean(a[key]) === Boolean(b[key]))
}

/** Prefixes the first line with `first` and the others with spaces of its width (a hanging indent). */
export function hang(lines: readonly string[], first: string, rest = ' '.repeat(visibleWidth(first))): string[] {
  return lines.map((line, index) => (index === 0 ? first + line : line === '' ? '' : rest + line))
}
