import markdownIt, {type MarkdownIt, type Token} from 'markdown-it'

/**
 * The one Markdown dialect of lessons: CommonMark plus GitHub's tables and strikethrough (markdown-it's default
 * preset). Raw HTML is parsed into html_block / html_inline tokens so the renderer can leave the markup out
 * instead of printing it; bare URLs stay text (GitHub links them, the terminal shows them as they are).
 */
export function markdownParser(): MarkdownIt {
  return markdownIt({html: true, linkify: false, typographer: false})
}

/** The text of an inline token with its markup removed: `**a** [b](c)` → "a b". */
export function plainText(inline: Token | undefined): string {
  if (!inline) return ''
  return (inline.children ?? [])
    .map((child) => {
      if (child.type === 'text' || child.type === 'code_inline') return child.content
      if (child.type === 'softbreak' || child.type === 'hardbreak') return ' '
      if (child.type === 'image') return plainText(child)
      return ''
    })
    .join('')
}
