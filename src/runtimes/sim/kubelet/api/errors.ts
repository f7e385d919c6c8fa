/** Which step of the kubelet's start-up refused to go on; each has its own real wording. */
export type KubeletStartupStage = 'flags' | 'config-file' | 'validation' | 'dependencies' | 'run' | 'listen'

/** Where the setting that stopped the kubelet was written, so that a learner can go and fix it. */
export interface KubeletSettingLocation {
  /** Node path of the file, e.g. /var/lib/kubelet/config.yaml or /var/lib/kubelet/kubeadm-flags.env. */
  file?: string
  line?: number
  /** The command-line flag, without dashes. */
  flag?: string
  /** The KubeletConfiguration field, e.g. authentication.anonymous.enabled. */
  setting?: string
}

/**
 * The kubelet refused to start. `message` is the error text the real kubelet prints (what `journalctl -u kubelet`
 * shows after `err=`); `klogLine()` gives the whole line, e.g.
 * `E1127 06:04:19.557857    4321 run.go:74] "command failed" err="failed to load kubelet config file, …"`.
 * The real kubelet exits 1 after it; the caller does the same and leaves the static pods running.
 */
export class KubeletStartupError extends Error {
  constructor(
    message: string,
    readonly stage: KubeletStartupStage,
    readonly location: KubeletSettingLocation = {},
    /** klog's source and message: "command failed" from run.go for start-up errors, the server's own for listening. */
    readonly logSource = 'run.go:74',
    readonly logMessage = 'command failed',
  ) {
    super(message)
    this.name = 'KubeletStartupError'
  }

  /** "/var/lib/kubelet/config.yaml line 4 (authentication.anonymous.enabled)", for a hint under the log line. */
  where(): string | undefined {
    const {file, line, flag, setting} = this.location
    const parts: string[] = []
    if (file) parts.push(line === undefined ? file : `${file} line ${line}`)
    if (flag) parts.push(`--${flag}`)
    else if (setting) parts.push(setting)
    return parts.length > 0 ? parts.join(', ') : undefined
  }

  klogLine(when = new Date(), pid = process.pid): string {
    return `${klogHeader('E', when, pid)} ${this.logSource}] ${JSON.stringify(this.logMessage)} err=${JSON.stringify(this.message)}`
  }
}

/** klog's "Lmmdd hh:mm:ss.uuuuuu threadid" prefix (the pid stands in for the thread id). */
export function klogHeader(severity: 'I' | 'W' | 'E', when: Date, pid = process.pid): string {
  const two = (value: number): string => String(value).padStart(2, '0')
  const micros = String(when.getMilliseconds() * 1000).padStart(6, '0')
  const stamp = `${two(when.getMonth() + 1)}${two(when.getDate())} ${two(when.getHours())}:${two(when.getMinutes())}:${two(when.getSeconds())}.${micros}`
  return `${severity}${stamp} ${String(pid).padStart(7)}`
}
