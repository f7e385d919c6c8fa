import Table from 'cli-table3'
import type {Token} from 'markdown-it'
import {inlineSpans} from './inline.js'
import type {BlockNode} from './markdown.js'
import {visibleWidth, wrapSpans} from './text.js'
import type {Theme} from './theme.js'

type Alignment = 'left' | 'center' | 'right'

interface Cell {
  inline: Token | undefined
  align: Alignment
}

/** Narrowest a column is squeezed to when the table is wider than the screen. */
const MIN_COLUMN = 6
/** cli-table3's padding: one space each side of a cell. */
const PADDING = 2

/**
 * A Markdown table as a cli-table3 table that fits `width`: columns get their natural widths, and while the table is
 * too wide the widest column gives up a column; cells are wrapped by our own wrapper (at spaces, ANSI-safe).
 */
export function renderTable(table: BlockNode, width: number, theme: Theme): string[] {
  const rows = collectRows(table)
  const [head, ...body] = rows
  if (!head) return []
  const columnCount = Math.max(...rows.map((row) => row.length))
  const natural = Array.from({length: columnCount}, (_, column) => Math.max(1, ...rows.map((row) => visibleWidth(cellText(row[column])))))
  const longestWords = Array.from({length: columnCount}, (_, column) =>
    Math.max(1, ...rows.flatMap((row) => cellText(row[column]).split(/ +/).map((word) => [...word].length))),
  )
  const widths = fitColumns(natural, longestWords, width - (columnCount + 1) - PADDING * columnCount)

  const cell = (value: Cell | undefined, column: number, header: boolean): {content: string; hAlign: Alignment} => {
    const paint = (text: string, style: Parameters<Theme['span']>[1]): string => theme.span(text, header ? {...style, strong: true} : style)
    const lines = wrapSpans(inlineSpans(value?.inline), widths[column] ?? MIN_COLUMN, paint, {breakLongWords: true})
    return {content: lines.join('\n'), hAlign: value?.align ?? 'left'}
  }
  const headCells = head.map((value, column) => cell(value, column, true).content)
  const bodyRows = body.map((row) => Array.from({length: columnCount}, (_, column) => cell(row[column], column, false)))
  // Rows of one line read fine without lines between them; rows that wrap need them to be told apart.
  const compact = [headCells, ...bodyRows.map((row) => row.map((value) => value.content))].every((row) => row.every((content) => !content.includes('\n')))
  const output = new Table({
    head: headCells,
    colWidths: widths.map((columnWidth) => columnWidth + PADDING),
    colAligns: head.map((value) => value.align),
    wordWrap: false,
    style: {head: [], border: [], compact, 'padding-left': 1, 'padding-right': 1},
    ...(theme.glyphs.tableChars ? {chars: theme.glyphs.tableChars} : {}),
  })
  for (const row of bodyRows) output.push(row)
  return output.toString().split('\n')
}

function collectRows(table: BlockNode): Cell[][] {
  const rows: Cell[][] = []
  const walk = (nodes: readonly BlockNode[]): void => {
    for (const node of nodes) {
      if (node.token.type === 'tr_open') {
        rows.push(
          node.children
            .filter((child) => child.token.type === 'th_open' || child.token.type === 'td_open')
            .map((child) => ({inline: child.children[0]?.token, align: alignment(child.token)})),
        )
      } else walk(node.children)
    }
  }
  walk(table.children)
  return rows
}

function alignment(cell: Token): Alignment {
  const match = /text-align:(left|center|right)/.exec(String(cell.attrGet('style') ?? ''))
  return (match?.[1] as Alignment | undefined) ?? 'left'
}

/**
 * Column widths that fit `available`: the widest column gives up a column at a time, first only down to its longest
 * word (so words stay whole), then, if the table is still too wide, down to MIN_COLUMN (long words are cut).
 */
function fitColumns(natural: readonly number[], longestWords: readonly number[], available: number): number[] {
  const widths = [...natural]
  let total = widths.reduce((sum, value) => sum + value, 0)
  for (const floor of [(column: number) => Math.max(MIN_COLUMN, longestWords[column] ?? 0), () => MIN_COLUMN]) {
    while (total > available) {
      const shrinkable = widths.map((value, column) => (value > floor(column) ? value : -1))
      const widest = shrinkable.indexOf(Math.max(...shrinkable))
      if ((shrinkable[widest] ?? -1) < 0) break
      widths[widest] = (widths[widest] ?? 0) - 1
      total--
    }
  }
  return widths
}

function cellText(cell: Cell | undefined): string {
  return inlineSpans(cell?.inline)
    .map((span) => span.text)
    .join('')
}
