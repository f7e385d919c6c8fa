import type {FlagSetting, PositionalArgument} from './types.js'

/** One command-line item and where it was written. */
export interface ArgumentItem {
  value: string
  /** Node path of the file (manifest, drop-in, env file) or "process 1234". */
  file: string
  line?: number
}

export interface ParsedCommandLine {
  /** By flag name without dashes; a later occurrence replaces an earlier one, as in pflag. */
  flags: Map<string, FlagSetting>
  positional: PositionalArgument[]
}

/**
 * Boolean flags of kube-apiserver, the kubelet and etcd that the audit reads. pflag (Kubernetes) and
 * Go's flag package (etcd) give a boolean flag a value only through `--flag=value`: in
 * `--anonymous-auth false` the flag is true and "false" is a stray argument. Other flags take the
 * next item as their value.
 */
const BOOLEAN_FLAGS: ReadonlySet<string> = new Set([
  // kube-apiserver
  'allow-privileged',
  'anonymous-auth',
  'enable-bootstrap-token-auth',
  'enable-aggregator-routing',
  'profiling',
  'contention-profiling',
  'kubelet-https',
  'enable-priority-and-fairness',
  'enable-garbage-collector',
  'service-account-lookup',
  'use-service-account-credentials',
  'leader-elect',
  // kubelet
  'authentication-token-webhook',
  'rotate-certificates',
  'rotate-server-certificates',
  'enable-server',
  'enable-debugging-handlers',
  'fail-swap-on',
  'protect-kernel-defaults',
  'make-iptables-util-chains',
  'register-node',
  'serialize-image-pulls',
  // etcd
  'client-cert-auth',
  'peer-client-cert-auth',
  'auto-tls',
  'peer-auto-tls',
  'enable-v2',
  'enable-pprof',
  'strict-reconfig-check',
  'force-new-cluster',
  'experimental-initial-corrupt-check',
])

export function isBooleanFlag(name: string): boolean {
  return BOOLEAN_FLAGS.has(name)
}

/**
 * Reads flags the way pflag does: `--flag=value`, `--flag value` (the next item, when it does not
 * start with "-"), and a bare `--flag` meaning "true". Single-dash long flags (`-name value`) are
 * accepted too, as etcd's Go flag package does. Everything after a lone `--` is positional.
 * The first item is the program and is skipped when `hasProgram` is set.
 */
export function parseCommandLine(items: readonly ArgumentItem[], hasProgram: boolean): ParsedCommandLine {
  const flags = new Map<string, FlagSetting>()
  const positional: PositionalArgument[] = []
  let index = hasProgram ? 1 : 0
  let flagsEnded = false

  while (index < items.length) {
    const item = items[index] as ArgumentItem
    index += 1
    const text = item.value
    if (flagsEnded || !isFlagItem(text)) {
      positional.push(located(text, item))
      continue
    }
    if (text === '--') {
      flagsEnded = true
      continue
    }

    const body = text.replace(/^--?/, '')
    const equals = body.indexOf('=')
    let name: string
    let value: string
    if (equals >= 0) {
      name = body.slice(0, equals)
      value = body.slice(equals + 1)
    } else {
      name = body
      const next = items[index]
      if (!isBooleanFlag(name) && next !== undefined && !next.value.startsWith('-')) {
        value = next.value
        index += 1
      } else {
        value = 'true'
      }
    }
    const setting: FlagSetting = {name, value, file: item.file, source: 'flag'}
    if (item.line !== undefined) setting.line = item.line
    flags.set(name, setting)
  }
  return {flags, positional}
}

function isFlagItem(text: string): boolean {
  return text.startsWith('-') && text !== '-'
}

function located(value: string, item: ArgumentItem): PositionalArgument {
  return item.line === undefined ? {value, file: item.file} : {value, file: item.file, line: item.line}
}
