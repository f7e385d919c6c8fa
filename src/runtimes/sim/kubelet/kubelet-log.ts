import {appendFileSync} from 'node:fs'

export type LogSeverity = 'I' | 'W' | 'E'

/**
 * logs/kubelet.log in klog's structured form, as `journalctl -u kubelet` shows the real one:
 * `E1127 06:04:19.557857    4321 kubelet] "Could not process manifest file" path="…" err="…"`.
 */
export class KubeletLog {
  constructor(private readonly file: string) {}

  info(message: string, fields: Record<string, string | number> = {}): void {
    this.write('I', message, fields)
  }

  warning(message: string, fields: Record<string, string | number> = {}): void {
    this.write('W', message, fields)
  }

  error(message: string, fields: Record<string, string | number> = {}): void {
    this.write('E', message, fields)
  }

  private write(severity: LogSeverity, message: string, fields: Record<string, string | number>): void {
    const pairs = Object.entries(fields).map(([key, value]) => ` ${key}=${typeof value === 'number' ? value : JSON.stringify(value)}`)
    appendFileSync(this.file, `${klogHeader(severity, new Date())} kubelet] ${JSON.stringify(message)}${pairs.join('')}\n`)
  }
}

/** klog's "Lmmdd hh:mm:ss.uuuuuu threadid" prefix (the pid stands in for the thread id). */
export function klogHeader(severity: LogSeverity, when: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0')
  const micros = String(when.getMilliseconds() * 1000).padStart(6, '0')
  const stamp = `${two(when.getMonth() + 1)}${two(when.getDate())} ${two(when.getHours())}:${two(when.getMinutes())}:${two(when.getSeconds())}.${micros}`
  return `${severity}${stamp} ${String(process.pid).padStart(7)}`
}
