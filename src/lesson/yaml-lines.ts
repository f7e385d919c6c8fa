import {isMap, isNode, isScalar, isSeq, type Document, type LineCounter, type YAMLError} from 'yaml'

/**
 * The 1-based line, within the YAML text, of what `path` names: the key of a mapping entry (so `choices:` rather
 * than its first item), or the item of a list. Undefined when the path is not in the document (a missing field).
 */
export function yamlLine(document: Document, lineCounter: LineCounter, path: ReadonlyArray<string | number>): number | undefined {
  const last = path.at(-1)
  if (last === undefined) return undefined
  const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true)
  let offset: number | undefined
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last)
    offset = pair && isNode(pair.key) ? pair.key.range?.[0] : undefined
  } else if (isSeq(parent) && typeof last === 'number') {
    const item = parent.items[last]
    offset = isNode(item) ? item.range?.[0] : undefined
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line
}

/** A YAML syntax error's message without the position the yaml library appends (it counts lines of the YAML alone). */
export function yamlReason(error: YAMLError): string {
  return (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')
}
