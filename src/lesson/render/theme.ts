import {Chalk, type ChalkInstance} from 'chalk'
import type {RenderOptions} from './options.js'

/** Inline emphasis of a run of text, from the Markdown around it. */
export interface SpanStyle {
  strong?: boolean
  em?: boolean
  strike?: boolean
  code?: boolean
  /** Text of a link. */
  link?: boolean
  /** A URL shown as text. */
  url?: boolean
}

export interface Glyphs {
  bullets: readonly string[]
  /** Under level-1 and level-2 headings, and for horizontal rules. */
  heavyRule: string
  lightRule: string
  /** Before level-3 headings. */
  subheading: string
  quoteBar: string
  /** Between facts on one line: "Lab: … · Kubernetes … · 3 steps". */
  separator: string
  tableChars: Record<string, string> | undefined
}

const UNICODE: Glyphs = {
  bullets: ['•', '◦', '▪'],
  heavyRule: '═',
  lightRule: '─',
  subheading: '▸ ',
  quoteBar: '│ ',
  separator: ' · ',
  tableChars: undefined,
}

const ASCII_TABLE = {
  top: '-', 'top-mid': '+', 'top-left': '+', 'top-right': '+',
  bottom: '-', 'bottom-mid': '+', 'bottom-left': '+', 'bottom-right': '+',
  left: '|', 'left-mid': '+', mid: '-', 'mid-mid': '+', right: '|', 'right-mid': '+', middle: '|',
}

const ASCII: Glyphs = {
  bullets: ['-', '-', '-'],
  heavyRule: '=',
  lightRule: '-',
  subheading: '> ',
  quoteBar: '| ',
  separator: ' | ',
  tableChars: ASCII_TABLE,
}

/** The styles and glyphs of one rendering. With colour off every style is the identity. */
export interface Theme {
  chalk: ChalkInstance
  glyphs: Glyphs
  span(text: string, style: SpanStyle): string
  heading(level: number): ChalkInstance
  codeBlock: ChalkInstance
  quote: ChalkInstance
  rule: ChalkInstance
  muted: ChalkInstance
}

export function themeFor(options: RenderOptions): Theme {
  const chalk = new Chalk({level: options.colour ? 1 : 0})
  return {
    chalk,
    glyphs: options.ascii ? ASCII : UNICODE,
    span(text, style) {
      let painter = chalk
      if (style.code) painter = painter.cyan
      if (style.link) painter = painter.blue
      if (style.url) painter = painter.blue.underline
      if (style.strong) painter = painter.bold
      if (style.em) painter = painter.italic
      if (style.strike) painter = painter.strikethrough
      return painter === chalk ? text : painter(text)
    },
    heading(level) {
      if (level === 1) return chalk.bold.magenta
      if (level === 2) return chalk.bold.cyan
      if (level === 3) return chalk.bold
      return chalk.bold.dim
    },
    codeBlock: chalk.cyan,
    quote: chalk.dim,
    rule: chalk.dim,
    muted: chalk.dim,
  }
}
