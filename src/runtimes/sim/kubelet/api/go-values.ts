/**
 * Go's parsers for the value types the kubelet's flags and config file use, with Go's own error texts, because those
 * texts end up in the kubelet's start-up error: strconv.ParseBool, strconv.ParseInt(s, 0, 32) (pflag's Int32 flags)
 * and time.ParseDuration / time.Duration.String (metav1.Duration in the config file).
 */

export type GoParse<T> = {ok: true; value: T} | {ok: false; error: string}

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True'])
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False'])

export function parseGoBool(text: string): GoParse<boolean> {
  if (TRUE_WORDS.has(text)) return {ok: true, value: true}
  if (FALSE_WORDS.has(text)) return {ok: true, value: false}
  return {ok: false, error: `strconv.ParseBool: parsing ${JSON.stringify(text)}: invalid syntax`}
}

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1

/** strconv.ParseInt(text, 0, 32): optional sign, then 0x/0o/0b or a leading-0 octal prefix, underscores between digits. */
export function parseGoInt32(text: string): GoParse<number> {
  const syntax = {ok: false as const, error: `strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`}
  const match = /^([+-]?)(0[xX]_?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|0[oO]_?[0-7]+(?:_[0-7]+)*|0[bB]_?[01]+(?:_[01]+)*|0(?:_?[0-7]+)*|[1-9](?:_?[0-9]+)*)$/.exec(text)
  if (!match) return syntax
  const [, sign = '', body = ''] = match
  const digits = body.replaceAll('_', '')
  let magnitude: bigint
  if (/^0[xX]/.test(digits)) magnitude = BigInt(`0x${digits.slice(2)}`)
  else if (/^0[oO]/.test(digits)) magnitude = BigInt(`0o${digits.slice(2)}`)
  else if (/^0[bB]/.test(digits)) magnitude = BigInt(`0b${digits.slice(2)}`)
  else if (digits.length > 1 && digits.startsWith('0')) magnitude = BigInt(`0o${digits.slice(1)}`)
  else magnitude = BigInt(digits === '' ? '0' : digits)
  const value = sign === '-' ? -magnitude : magnitude
  if (value < BigInt(INT32_MIN) || value > BigInt(INT32_MAX)) {
    return {ok: false, error: `strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`}
  }
  return {ok: true, value: Number(value)}
}

const UNIT_MS: Record<string, number> = {ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000}

/** time.ParseDuration, to milliseconds (sub-millisecond parts are kept as fractions). */
export function parseGoDuration(text: string): GoParse<number> {
  const invalid = {ok: false as const, error: `time: invalid duration ${JSON.stringify(text)}`}
  let rest = text
  let negative = false
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-')
    rest = rest.slice(1)
  }
  if (rest === '0') return {ok: true, value: 0}
  if (rest === '') return invalid
  let total = 0
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest)
    const whole = number?.[1] ?? ''
    const fraction = number?.[2]
    if (whole === '' && (fraction === undefined || fraction === '')) return invalid
    rest = rest.slice(number?.[0].length ?? 0)
    const unit = /^[^\d.]+/.exec(rest)?.[0]
    if (unit === undefined) return {ok: false, error: `time: missing unit in duration ${JSON.stringify(text)}`}
    const scale = UNIT_MS[unit]
    if (scale === undefined) return {ok: false, error: `time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}`}
    rest = rest.slice(unit.length)
    total += Number(`${whole === '' ? '0' : whole}.${fraction ?? '0'}`) * scale
  }
  return {ok: true, value: negative ? -total : total}
}

/** time.Duration.String() for a millisecond count: "0s", "300ms", "30s", "2m0s", "1h0m0s", "1.5s". */
export function formatGoDuration(milliseconds: number): string {
  if (milliseconds === 0) return '0s'
  const sign = milliseconds < 0 ? '-' : ''
  const ms = Math.abs(milliseconds)
  if (ms < 1000) {
    if (ms >= 1) return `${sign}${trim(ms)}ms`
    if (ms >= 1e-3) return `${sign}${trim(ms * 1000)}µs`
    return `${sign}${trim(ms * 1e6)}ns`
  }
  const hours = Math.floor(ms / 3_600_000)
  const minutes = Math.floor((ms % 3_600_000) / 60_000)
  const seconds = (ms % 60_000) / 1000
  if (hours > 0) return `${sign}${hours}h${minutes}m${trim(seconds)}s`
  if (minutes > 0) return `${sign}${minutes}m${trim(seconds)}s`
  return `${sign}${trim(seconds)}s`
}

function trim(value: number): string {
  return String(Number(value.toFixed(9)))
}
