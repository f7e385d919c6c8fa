import type {Env, Token} from 'markdown-it'
import {fenceRole, type FenceRole} from './directives.js'
import {markdownParser, plainText} from './markdown.js'

const markdown = markdownParser()

/** A fenced block, where it is (0-based body lines, end exclusive, as markdown-it's token.map) and what it means. */
export interface Fence {
  token: Token
  role: FenceRole
  start: number
  end: number
  topLevel: boolean
}

/** A `##` section (or the part before the first one): body lines [start, end), and its blocks at the top level. */
export interface Section {
  heading?: {text: string; start: number; end: number}
  start: number
  end: number
  /** The first top-level block after the heading, if any. */
  firstBlock?: Token
}

/** Every fenced block of the body, at any depth (a fence inside a list item is not top level). */
export function findFences(tokens: readonly Token[]): Fence[] {
  return tokens
    .filter((token) => token.type === 'fence' && token.map)
    .map((token) => {
      const [start, end] = token.map as [number, number]
      return {token, role: fenceRole(token.info), start, end, topLevel: token.level === 0}
    })
}

/** The body cut at its top-level `##` headings; the first section is whatever precedes the first one. */
export function splitSections(tokens: readonly Token[], lineCount: number): Section[] {
  const sections: Section[] = [{start: 0, end: lineCount}]
  let awaitingFirstBlock = false
  tokens.forEach((token, index) => {
    if (token.level !== 0 || token.nesting === -1 || !token.map) return
    const current = sections.at(-1) as Section
    if (token.type === 'heading_open' && token.tag === 'h2') {
      const [start, end] = token.map
      current.end = start
      sections.push({heading: {text: plainText(tokens[index + 1]).trim(), start, end}, start, end: lineCount})
      awaitingFirstBlock = true
      return
    }
    if (awaitingFirstBlock) {
      current.firstBlock = token
      awaitingFirstBlock = false
    }
  })
  return sections
}

/** A fence's body without the trailing newline (and trailing blank lines). */
export function scriptOf(fence: Token): string {
  return fence.content.replace(/\s+$/, '')
}

/** Lines of the Markdown body, cut into self-contained Markdown texts. */
export class BodySource {
  constructor(
    private readonly lines: readonly string[],
    /** The lesson's link reference definitions, appended to texts that may use them so `[text][ref]` still resolves. */
    private readonly definitions: string,
  ) {}

  /** Lines [from, to) without the blank lines around them; "" when they hold nothing that renders. */
  markdown(from: number, to: number): string {
    const text = this.lines.slice(from, to).join('\n').replace(/^(?:[ \t]*\n)+/, '').trimEnd()
    if (markdown.parse(text, {}).length === 0) return ''
    return this.definitions !== '' && text.includes('[') ? `${text}\n\n${this.definitions}` : text
  }
}

/** Link reference definitions as Markdown lines: `[LABEL]: <href> "title"`. */
export function referenceDefinitions(references: Env['references']): string {
  return Object.entries(references ?? {})
    .map(([label, {href, title}]) => `[${label}]: <${href}>${title ? ` "${title.replace(/"/g, '\\"')}"` : ''}`)
    .join('\n')
}
