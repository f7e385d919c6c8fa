import type {Token} from 'markdown-it'
import {markdownParser} from '../markdown.js'
import {inlineSpans} from './inline.js'
import {MIN_WIDTH, type RenderOptions} from './options.js'
import {renderTable} from './table.js'
import {hang, visibleWidth, wrapSpans} from './text.js'
import {themeFor, type SpanStyle, type Theme} from './theme.js'

const parser = markdownParser()

/** A block of the token stream: an opening token with the blocks inside it, or a token that stands alone. */
export interface BlockNode {
  token: Token
  children: BlockNode[]
}

interface Context {
  theme: Theme
  /** How many lists this block is inside. */
  listDepth: number
}

/**
 * Markdown as terminal text: headings (a style per level), paragraphs wrapped to `width`, emphasis, inline code,
 * links as "text (url)", nested lists with hanging indents, quotes, code blocks (indented, never wrapped), tables,
 * rules. No Markdown markup is left on screen and raw HTML is dropped (the text inside an HTML block is kept).
 * Ends without a newline.
 */
export function renderMarkdown(markdown: string, options: RenderOptions): string {
  const context: Context = {theme: themeFor(options), listDepth: 0}
  return renderBlocks(blockTree(parser.parse(markdown, {})), Math.max(MIN_WIDTH, options.width), context).join('\n')
}

/** Nests a flat markdown-it token stream: each *_open token holds the blocks up to its *_close. */
export function blockTree(tokens: readonly Token[]): BlockNode[] {
  const root: BlockNode[] = []
  const stack: BlockNode[][] = [root]
  for (const token of tokens) {
    const siblings = stack.at(-1) as BlockNode[]
    if (token.nesting === 1) {
      const node: BlockNode = {token, children: []}
      siblings.push(node)
      stack.push(node.children)
    } else if (token.nesting === -1) {
      if (stack.length > 1) stack.pop()
    } else {
      siblings.push({token, children: []})
    }
  }
  return root
}

/** Sibling blocks, a blank line between each (none between the paragraphs of a tight list item). */
function renderBlocks(nodes: readonly BlockNode[], width: number, context: Context): string[] {
  const lines: string[] = []
  for (const node of nodes) {
    const rendered = renderBlock(node, width, context)
    if (rendered.length === 0) continue
    if (lines.length > 0 && !(node.token.hidden && node.token.type === 'paragraph_open') && !isNestedListInTightItem(node)) lines.push('')
    lines.push(...rendered)
  }
  return lines
}

function isNestedListInTightItem(node: BlockNode): boolean {
  return (node.token.type === 'bullet_list_open' || node.token.type === 'ordered_list_open') && node.token.level > 0 && isTight(node)
}

function renderBlock(node: BlockNode, width: number, context: Context): string[] {
  const {token} = node
  const {theme} = context
  switch (token.type) {
    case 'paragraph_open':
      return paragraph(node.children[0]?.token, width, context)
    case 'heading_open':
      return heading(Number(token.tag.slice(1)), node.children[0]?.token, width, theme)
    case 'bullet_list_open':
    case 'ordered_list_open':
      return list(node, width, context)
    case 'blockquote_open':
      return renderBlocks(node.children, width - visibleWidth(theme.glyphs.quoteBar), context).map((line) =>
        line === '' ? theme.quote(theme.glyphs.quoteBar.trimEnd()) : theme.quote(theme.glyphs.quoteBar) + line,
      )
    case 'fence':
    case 'code_block':
      return codeLines(token.content, theme)
    case 'hr':
      return [theme.rule(theme.glyphs.lightRule.repeat(width))]
    case 'table_open':
      return renderTable(node, width, theme)
    case 'html_block':
      return htmlText(token.content, width, context)
    case 'inline':
      return paragraph(token, width, context)
    default:
      return renderBlocks(node.children, width, context)
  }
}

function paragraph(inline: Token | undefined, width: number, context: Context): string[] {
  return wrapSpans(inlineSpans(inline), width, (text, style) => context.theme.span(text, style))
}

function heading(level: number, inline: Token | undefined, width: number, theme: Theme): string[] {
  const style = theme.heading(level)
  const prefix = level === 3 ? theme.glyphs.subheading : ''
  const paint = (text: string, spanStyle: SpanStyle): string => style(theme.span(text, spanStyle))
  const lines = hang(wrapSpans(inlineSpans(inline), width - visibleWidth(prefix), paint), prefix === '' ? '' : style(prefix), ' '.repeat(visibleWidth(prefix)))
  if (level > 2) return lines
  const ruleWidth = Math.min(width, Math.max(...lines.map(visibleWidth)))
  return [...lines, theme.rule((level === 1 ? theme.glyphs.heavyRule : theme.glyphs.lightRule).repeat(ruleWidth))]
}

function list(node: BlockNode, width: number, context: Context): string[] {
  const {theme} = context
  const ordered = node.token.type === 'ordered_list_open'
  const start = Number(node.token.attrGet('start') ?? 1)
  const items = node.children.filter((child) => child.token.type === 'list_item_open')
  const bullet = theme.glyphs.bullets[context.listDepth % theme.glyphs.bullets.length] ?? '-'
  const markers = items.map((_, index) => (ordered ? `${start + index}.` : bullet))
  const markerWidth = Math.max(...markers.map((marker) => visibleWidth(marker))) + 1
  const inner: Context = {...context, listDepth: context.listDepth + 1}
  const tight = isTight(node)
  const lines: string[] = []
  items.forEach((item, index) => {
    const marker = (markers[index] ?? '').padStart(ordered ? markerWidth - 1 : 0).padEnd(markerWidth)
    const content = renderBlocks(item.children, width - markerWidth, inner)
    if (index > 0 && !tight) lines.push('')
    lines.push(...hang(content.length === 0 ? [''] : content, theme.muted(marker), ' '.repeat(markerWidth)))
  })
  return lines
}

/** A tight list (no blank lines between items): markdown-it hides its paragraphs. */
function isTight(list: BlockNode): boolean {
  const firstParagraph = list.children.flatMap((item) => item.children).find((child) => child.token.type === 'paragraph_open')
  return firstParagraph?.token.hidden ?? true
}

function codeLines(content: string, theme: Theme): string[] {
  return content
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      const expanded = line.replace(/\t/g, '    ').trimEnd()
      return expanded === '' ? '' : `    ${theme.codeBlock(expanded)}`
    })
}

/** The readable text of an HTML block (<details>, comments, …): tags and comments removed, entities decoded. */
function htmlText(html: string, width: number, context: Context): string[] {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(nbsp|amp|lt|gt|quot|#39);/g, (_, name: string) => ({nbsp: '\u00a0', amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'"})[name] ?? '')
    .replace(/\s+/g, ' ')
    .trim()
  return text === '' ? [] : wrapSpans([{text, style: {}}], width, (part, style) => context.theme.span(part, style))
}
