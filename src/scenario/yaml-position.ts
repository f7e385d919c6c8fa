import {isMap, isScalar, isSeq, type Document, type LineCounter, type Node} from 'yaml'

export interface Position {
  line: number
  column: number
}

/** "steps[2].checks[0]", with odd keys quoted: config["authentication.anonymous.enabled"]. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = ''
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`
    } else {
      const key = String(segment)
      text += /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${text === '' ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`
    }
  }
  return text
}

/**
 * Where `path` sits in the document: the value when it is a scalar, otherwise its key. When the
 * path does not exist (a missing field), the deepest part that does exist.
 */
export function positionOf(document: Document, lineCounter: LineCounter, path: ReadonlyArray<PropertyKey>): Position | undefined {
  let node: unknown = document.contents
  let anchor: Node | undefined = isNode(node) ? node : undefined
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment))
      if (!pair) break
      anchor = isNode(pair.key) ? pair.key : anchor
      node = pair.value
      if (isScalar(node)) anchor = node
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(segment)]
      if (!isNode(item)) break
      anchor = item
      node = item
    } else {
      break
    }
  }
  const offset = anchor?.range?.[0]
  if (offset === undefined) return undefined
  const {line, col} = lineCounter.linePos(offset)
  return {line, column: col}
}

function isNode(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value)
}
