import {LabUsageError} from '../errors.js'

export class DurationError extends LabUsageError {
  constructor(
    readonly flag: string,
    readonly value: string,
  ) {
    super(`${flag} ${value}: give a duration such as 90s, 10m, 1h or 1500ms (a bare number is seconds).`)
    this.name = 'DurationError'
  }
}

const UNIT_MS: Readonly<Record<string, number>> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000}

/** "10m" → 600000; "90s", "1.5h", "1500ms"; a bare number is seconds. Zero and negative durations are refused. */
export function parseDuration(flag: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(value)
  if (!match?.[1]) throw new DurationError(flag, value)
  const milliseconds = Number(match[1]) * (UNIT_MS[(match[2] ?? 's').toLowerCase()] ?? 1000)
  if (!(milliseconds >= 1) || !Number.isFinite(milliseconds)) throw new DurationError(flag, value)
  return Math.round(milliseconds)
}
