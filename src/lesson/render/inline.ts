import type {Token} from 'markdown-it'
import type {Span} from './text.js'
import type {SpanStyle} from './theme.js'

/**
 * The spans of an inline token: emphasis becomes style, links become "text (url)" (just the url when the text is
 * the url; just the text for a link to a heading in the same page), images their alt text and source,
 * `<br>` a line break; other inline HTML is left out.
 */
export function inlineSpans(inline: Token | undefined, base: SpanStyle = {}): Span[] {
  const spans: Span[] = []
  const styles: SpanStyle[] = [base]
  const current = (): SpanStyle => styles.at(-1) ?? base
  const push = (change: SpanStyle): void => {
    styles.push({...current(), ...change})
  }
  const links: Array<{href: string; from: number}> = []

  for (const child of inline?.children ?? []) {
    switch (child.type) {
      case 'text':
        if (child.content !== '') spans.push({text: child.content, style: current()})
        break
      case 'code_inline':
        spans.push({text: child.content, style: {...current(), code: true}})
        break
      case 'softbreak':
        spans.push({text: ' ', style: current()})
        break
      case 'hardbreak':
        spans.push({text: '\n', style: {}})
        break
      case 'strong_open':
        push({strong: true})
        break
      case 'em_open':
        push({em: true})
        break
      case 's_open':
        push({strike: true})
        break
      case 'link_open':
        links.push({href: String(child.attrGet('href') ?? ''), from: spans.length})
        push({link: true})
        break
      case 'strong_close':
      case 'em_close':
      case 's_close':
        styles.pop()
        break
      case 'link_close': {
        styles.pop()
        const link = links.pop()
        if (link) closeLink(spans, link.href, link.from, current())
        break
      }
      case 'image': {
        const alt = (child.children ?? []).map((part) => part.content).join('')
        const src = String(child.attrGet('src') ?? '')
        spans.push({text: alt === '' ? 'image' : alt, style: current()}, ...urlInParentheses(src, current()))
        break
      }
      case 'html_inline':
        if (/^<br\s*\/?>$/i.test(child.content)) spans.push({text: '\n', style: {}})
        break
    }
  }
  return spans
}

function closeLink(spans: Span[], href: string, from: number, outside: SpanStyle): void {
  const text = spans.slice(from).map((span) => span.text).join('')
  if (href === '' || href.startsWith('#')) return
  if (sameAddress(text, href)) {
    for (const span of spans.slice(from)) span.style = {...span.style, link: false, url: true}
    return
  }
  spans.push(...urlInParentheses(href, outside))
}

function urlInParentheses(url: string, outside: SpanStyle): Span[] {
  return [
    {text: ' (', style: outside},
    {text: url, style: {...outside, url: true}},
    {text: ')', style: outside},
  ]
}

/** The link text already says where it goes: <https://x>, [https://x](https://x), <a@b.c> (mailto:a@b.c). */
function sameAddress(text: string, href: string): boolean {
  const candidates = [href, href.replace(/^mailto:/, '')]
  let decoded = href
  try {
    decoded = decodeURI(href)
  } catch {
    // keep the encoded form
  }
  candidates.push(decoded, decoded.replace(/^mailto:/, ''))
  return candidates.includes(text)
}
