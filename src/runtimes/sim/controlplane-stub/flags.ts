import {isIP} from 'node:net'
import {FLAG_TABLES, SHORTHANDS, type FlagType, type StubComponent} from './flag-tables.js'

/** A command line the real component's flag parser (spf13/pflag under cobra) would refuse, in its words. */
export class FlagParseError extends Error {
  override readonly name = 'FlagParseError'
}

export interface ParsedFlags {
  /** Flag name (normalised: "_" → "-") → the last value given. */
  values: ReadonlyMap<string, string>
  help: boolean
  version: string | undefined
}

/**
 * Parses a kube-controller-manager or kube-scheduler command line as pflag does: `--flag=value`,
 * `--flag value`, bare booleans, `-v 2`, `--` ending the flags; values are checked for their type.
 * Errors carry pflag's and cobra's messages ("unknown flag: --foo", "flag needs an argument: …").
 */
export function parseComponentFlags(component: StubComponent, argv: readonly string[]): ParsedFlags {
  const table = FLAG_TABLES[component]
  const values = new Map<string, string>()
  const positional: string[] = []
  const pending = [...argv]

  const set = (name: string, display: string, value: string): void => {
    const type = table.get(name) ?? 'string'
    const problem = invalidValue(type, value)
    if (problem) throw new FlagParseError(`invalid argument ${goQuote(value)} for ${goQuote(display)} flag: ${problem}`)
    values.set(name, value)
  }

  while (pending.length > 0) {
    const arg = pending.shift() ?? ''
    if (arg.length < 2 || !arg.startsWith('-')) {
      positional.push(arg)
      continue
    }
    if (arg === '--') {
      positional.push(...pending)
      break
    }
    if (arg.startsWith('--')) {
      const body = arg.slice(2)
      if (body.startsWith('-') || body.startsWith('=')) throw new FlagParseError(`bad flag syntax: ${arg}`)
      const equals = body.indexOf('=')
      const given = equals === -1 ? body : body.slice(0, equals)
      const name = given.replace(/_/g, '-')
      const type = table.get(name)
      if (type === undefined) throw new FlagParseError(`unknown flag: --${given}`)
      const display = displayName(name)
      if (equals !== -1) set(name, display, body.slice(equals + 1))
      else if (type === 'bool' || type === 'version') set(name, display, 'true')
      else if (pending.length > 0) set(name, display, pending.shift() ?? '')
      else throw new FlagParseError(`flag needs an argument: ${arg}`)
      continue
    }
    const letter = arg[1] ?? ''
    const name = SHORTHANDS.get(letter)
    if (name === undefined) throw new FlagParseError(`unknown shorthand flag: '${letter}' in ${arg}`)
    const rest = arg.slice(2)
    const type = table.get(name)
    const display = displayName(name)
    if (rest.startsWith('=')) set(name, display, rest.slice(1))
    else if (type === 'bool') set(name, display, 'true')
    else if (rest !== '') set(name, display, rest)
    else if (pending.length > 0) set(name, display, pending.shift() ?? '')
    else throw new FlagParseError(`flag needs an argument: '${letter}' in ${arg}`)
  }

  // Kubernetes commands take no arguments (cmd.Args in cmd/kube-*/app/server.go).
  const nonEmpty = positional.filter((arg) => arg !== '')
  if (nonEmpty.length > 0) {
    throw new FlagParseError(`"${component}" does not take any arguments, got [${positional.map(goQuote).join(' ')}]`)
  }
  const version = values.get('version')
  return {values, help: values.get('help') === 'true', version: version === undefined || version === 'false' ? undefined : version}
}

function displayName(name: string): string {
  const shorthand = [...SHORTHANDS].find(([, long]) => long === name)?.[0]
  return shorthand ? `-${shorthand}, --${name}` : `--${name}`
}

/** Go's %q for a plain string. */
function goQuote(text: string): string {
  return JSON.stringify(text)
}

/** Why `value` is not a valid value of the type, in the words of Go's strconv/time/net, or undefined. */
function invalidValue(type: FlagType, value: string): string | undefined {
  switch (type) {
    case 'bool':
      return parseGoBool(value) === undefined ? `strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax` : undefined
    case 'int':
      return /^[+-]?(\d+|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+)$/.test(value) ? undefined : `strconv.ParseInt: parsing ${goQuote(value)}: invalid syntax`
    case 'uint':
      return /^\+?\d+$/.test(value) ? undefined : `strconv.ParseUint: parsing ${goQuote(value)}: invalid syntax`
    case 'float':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? undefined : `strconv.ParseFloat: parsing ${goQuote(value)}: invalid syntax`
    case 'duration':
      return /^[+-]?(0|(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))*$/.test(value)
        ? undefined
        : `time: invalid duration ${goQuote(value)}`
    case 'ip':
      return isIP(value) === 0 ? `failed to parse IP: ${goQuote(value)}` : undefined
    case 'string':
    case 'version':
      return undefined
  }
}

/** strconv.ParseBool: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
  return undefined
}
