import type {ArgumentItem} from './flags.js'

/** A value and the line that gave it. */
export interface Located {
  value: string
  file: string
  line: number
}

export interface EnvironmentFileReference {
  path: string
  /** "EnvironmentFile=-/path": a missing file is silently skipped. */
  optional: boolean
}

/** The [Service] settings that decide a unit's command line, accumulated over the unit and its drop-ins. */
export interface ServiceSettings {
  environment: Map<string, Located>
  environmentFiles: EnvironmentFileReference[]
  execStart?: Located
}

export function emptyServiceSettings(): ServiceSettings {
  return {environment: new Map(), environmentFiles: []}
}

/**
 * Applies one unit file or drop-in to `settings`, as systemd does when it reads them in order:
 * Environment= adds assignments, EnvironmentFile= adds files, ExecStart= replaces the command,
 * and an empty assignment of any of them resets the list. Only the [Service] section counts.
 */
export function applyUnitFile(settings: ServiceSettings, text: string, file: string): void {
  let section = ''
  for (const {content, line} of logicalLines(text)) {
    const trimmed = content.trim()
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue
    const header = /^\[(.+)\]$/.exec(trimmed)
    if (header) {
      section = header[1] ?? ''
      continue
    }
    if (section !== 'Service') continue
    const equals = trimmed.indexOf('=')
    if (equals < 0) continue
    const key = trimmed.slice(0, equals).trim()
    const value = trimmed.slice(equals + 1).trim()

    if (key === 'Environment') {
      if (value === '') settings.environment.clear()
      for (const word of splitQuoted(value)) {
        const assignment = word.indexOf('=')
        if (assignment > 0) settings.environment.set(word.slice(0, assignment), {value: word.slice(assignment + 1), file, line})
      }
    } else if (key === 'EnvironmentFile') {
      if (value === '') settings.environmentFiles = []
      else settings.environmentFiles.push({path: value.replace(/^-/, ''), optional: value.startsWith('-')})
    } else if (key === 'ExecStart') {
      if (value === '') delete settings.execStart
      else settings.execStart = {value, file, line}
    }
  }
}

/** KEY=VALUE lines of an EnvironmentFile; quotes are removed, # and ; start comments. */
export function parseEnvironmentFile(text: string, file: string): Map<string, Located> {
  const result = new Map<string, Located>()
  for (const {content, line} of logicalLines(text)) {
    const trimmed = content.trim()
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue
    const equals = trimmed.indexOf('=')
    if (equals <= 0) continue
    const key = trimmed.slice(0, equals).trim()
    const raw = trimmed.slice(equals + 1).trim()
    result.set(key, {value: unquote(raw), file, line})
  }
  return result
}

/**
 * Expands an ExecStart= command line as systemd does: "$VAR" standing alone becomes zero or more
 * words split at whitespace, "${VAR}" is replaced inside its word, an unset variable is empty.
 * Each resulting word remembers the line that defined it.
 */
export function expandExecStart(execStart: Located, environment: ReadonlyMap<string, Located>): ArgumentItem[] {
  const words = splitQuoted(execStart.value)
  if (words[0] !== undefined) words[0] = words[0].replace(/^[-@:+!]+/, '')
  const items: ArgumentItem[] = []
  for (const word of words) {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word)
    if (whole) {
      const variable = environment.get(whole[1] ?? '')
      if (!variable) continue
      for (const part of variable.value.split(/\s+/).filter((piece) => piece !== '')) {
        items.push({value: part, file: variable.file, line: variable.line})
      }
      continue
    }
    let origin: Located | undefined
    const value = word.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, name: string | undefined) => {
      if (match === '$$') return '$'
      const variable = environment.get(name ?? '')
      origin ??= variable
      return variable?.value ?? ''
    })
    const from = origin ?? execStart
    items.push({value, file: from.file, line: from.line})
  }
  return items
}

/** Lines with backslash continuations joined; each keeps the number of its first physical line. */
function logicalLines(text: string): Array<{content: string; line: number}> {
  const result: Array<{content: string; line: number}> = []
  const physical = text.split(/\r?\n/)
  let pending: {content: string; line: number} | undefined
  physical.forEach((raw, index) => {
    const current = pending ?? {content: '', line: index + 1}
    if (raw.endsWith('\\')) {
      current.content += raw.slice(0, -1) + ' '
      pending = current
      return
    }
    current.content += raw
    result.push(current)
    pending = undefined
  })
  if (pending) result.push(pending)
  return result
}

/** Splits at unquoted whitespace; "..." and '...' group words, backslash escapes the next character. */
export function splitQuoted(text: string): string[] {
  const words: string[] = []
  let current = ''
  let inWord = false
  let quote: '"' | "'" | undefined
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string
    if (quote) {
      if (char === quote) quote = undefined
      else if (char === '\\' && quote === '"' && index + 1 < text.length) current += text[++index]
      else current += char
      continue
    }
    if (char === '"' || char === "'") {
      quote = char
      inWord = true
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current)
      current = ''
      inWord = false
    } else if (char === '\\' && index + 1 < text.length) {
      current += text[++index]
      inWord = true
    } else {
      current += char
      inWord = true
    }
  }
  if (inWord) words.push(current)
  return words
}

function unquote(raw: string): string {
  const words = splitQuoted(raw)
  if (raw.startsWith('"') || raw.startsWith("'")) return words.join(' ')
  return raw
}
