import {klogHeader} from './errors.js'

/**
 * Where the kubelet API writes its klog lines. The shape of the supervisor's KubeletLog (logs/kubelet.log), so
 * that main.ts can pass its own log; structured fields as klog prints them: `"message" key="value" n=1`.
 */
export interface KubeletApiLog {
  info(message: string, fields?: Record<string, string | number>): void
  warning(message: string, fields?: Record<string, string | number>): void
  error(message: string, fields?: Record<string, string | number>): void
}

/** klog lines on stderr, for callers that pass no log. */
export function stderrLog(source = 'kubelet'): KubeletApiLog {
  const write = (severity: 'I' | 'W' | 'E', message: string, fields: Record<string, string | number> = {}): void => {
    const pairs = Object.entries(fields).map(([key, value]) => ` ${key}=${typeof value === 'number' ? value : JSON.stringify(value)}`)
    process.stderr.write(`${klogHeader(severity, new Date())} ${source}] ${JSON.stringify(message)}${pairs.join('')}\n`)
  }
  return {
    info: (message, fields) => write('I', message, fields),
    warning: (message, fields) => write('W', message, fields),
    error: (message, fields) => write('E', message, fields),
  }
}
