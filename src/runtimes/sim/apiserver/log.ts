/**
 * klog-style lines on stderr, as the real kube-apiserver writes them:
 * `I1127 05:40:01.123456    1234 server.go:123] message` (severity, month, day, time with microseconds,
 * the thread id right-aligned in 7 columns — here the process id — and the source file:line).
 */

export type Severity = 'I' | 'W' | 'E' | 'F'

export interface LogSink {
  write(line: string): void
}

export class Klog {
  constructor(
    private readonly sink: LogSink = {write: (line) => process.stderr.write(line)},
    private readonly pid: number = process.pid,
    /** Epoch milliseconds with a fractional part, for klog's microseconds. */
    private readonly now: () => number = () => performance.timeOrigin + performance.now(),
  ) {}

  info(source: string, message: string): void {
    this.line('I', source, message)
  }

  warning(source: string, message: string): void {
    this.line('W', source, message)
  }

  error(source: string, message: string): void {
    this.line('E', source, message)
  }

  fatal(source: string, message: string): void {
    this.line('F', source, message)
  }

  /** A line without klog decoration (pflag deprecation notices, cobra errors). */
  raw(text: string): void {
    this.sink.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  line(severity: Severity, source: string, message: string): void {
    this.sink.write(`${severity}${klogTimestamp(this.now())} ${String(this.pid).padStart(7)} ${source}] ${message}\n`)
  }
}

function klogTimestamp(epochMilliseconds: number): string {
  const date = new Date(Math.floor(epochMilliseconds))
  const two = (value: number): string => String(value).padStart(2, '0')
  const micros = String(Math.floor((epochMilliseconds % 1000) * 1000)).padStart(6, '0')
  return `${two(date.getMonth() + 1)}${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${micros}`
}

/** Go's %q quoting, for structured klog values (`err="..."`). */
export function goQuote(text: string): string {
  return JSON.stringify(text)
}
