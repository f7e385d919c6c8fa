import {LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Node, type Pair, type YAMLMap, type YAMLSeq} from 'yaml'
import {ConfigParseError} from './types.js'

/** A parsed YAML file that can say on which line each node sits. */
export interface YamlSource {
  file: string
  /** The first document's root node; null for an empty document. */
  root: Node | null
  lineOf(node: Node | Pair | null | undefined): number | undefined
}

/**
 * Parses YAML the way Kubernetes components read their files: sigs.k8s.io/yaml over go-yaml v2,
 * which follows YAML 1.1 (`yes`/`on` are booleans) and keeps the last of duplicate keys.
 * Only the first document is read. A syntax error throws ConfigParseError with its line.
 */
export function parseYaml(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter()
  const documents = parseAllDocuments(text, {lineCounter, version: '1.1', uniqueKeys: false})
  const first = Array.isArray(documents) ? documents[0] : undefined
  const error = first?.errors[0]
  if (error) {
    throw new ConfigParseError(file, error.linePos?.[0].line, shortReason(error.message))
  }
  const lineOf = (node: Node | Pair | null | undefined): number | undefined => {
    const target = isPair(node) ? (node.key as Node | null) : node
    const offset = target?.range?.[0]
    return offset === undefined ? undefined : lineCounter.linePos(offset).line
  }
  return {file, root: (first?.contents as Node | null | undefined) ?? null, lineOf}
}

/** The yaml package appends "at line N, column M:" and a code excerpt; the line is reported separately. */
function shortReason(message: string): string {
  const cut = message.search(/ at line \d+, column \d+/)
  return (cut >= 0 ? message.slice(0, cut) : message.split('\n')[0] ?? message).trim()
}

/** The pair for `key` in a mapping; the last one wins when the key repeats. */
export function pairOf(map: YAMLMap, key: string): Pair | undefined {
  let found: Pair | undefined
  for (const pair of map.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key) found = pair
  }
  return found
}

export function valueNode(pair: Pair | undefined): Node | null | undefined {
  return pair?.value as Node | null | undefined
}

export function asMap(node: Node | null | undefined): YAMLMap | undefined {
  return isMap(node) ? node : undefined
}

export function asSeq(node: Node | null | undefined): YAMLSeq | undefined {
  return isSeq(node) ? node : undefined
}

/** A scalar's value, or undefined for null, collections and absent nodes. */
export function scalarValue(node: Node | null | undefined): unknown {
  return isScalar(node) ? node.value : undefined
}

/** Go's JSON decoder names the type it could not fill; this says what the YAML held instead. */
export function describeYamlValue(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'null'
  if (isMap(node)) return 'a mapping'
  if (isSeq(node)) return 'a list'
  const value = scalarValue(node)
  if (value === null) return 'null'
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `the ${typeof value} ${String(value)}`
}
