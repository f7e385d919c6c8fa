/**
 * Entry point of the simulated kube-apiserver: `node dist/runtimes/sim/apiserver/main.js --flag=value ...` with the
 * arguments of a kubeadm kube-apiserver static-pod manifest. The Kubernetes version comes from KUBELAB_K8S_VERSION.
 * Logs go to stderr as klog lines; "Serving securely on <host:port>" means ready. Exit codes follow the real
 * binary: 1 for flag and validation errors, 255 for klog.Fatal (etcd unreachable), 0 after SIGTERM/SIGINT.
 */
import {startApiserver} from './apiserver.js'
import {FatalStartupError, FlagParseError, StartupError} from './errors.js'
import {knownFlagNames} from './flags.js'
import {goQuote, Klog} from './log.js'
import {atLeast, parseKubeVersion, versionFromEnv, VersionError, type KubeVersion} from './version.js'

function usage(version: KubeVersion): string {
  const flags = knownFlagNames(version).map((name) => `      --${name}`)
  return `Usage:\n  kube-apiserver [flags]\n\nFlags:\n${flags.join('\n')}\n`
}

/** Prints a start-up failure the way the real binary of this version does, and returns its exit code. */
export function reportStartupFailure(error: unknown, version: KubeVersion, log: Klog): number {
  if (error instanceof FlagParseError) {
    const showUsage = error.message.includes('flag')
    // component-base/cli.Run (≥1.23) prints the usage first, then the error; older cobra did the reverse.
    if (showUsage && atLeast(version, 1, 23)) log.raw(usage(version))
    log.raw(`Error: ${error.message}`)
    if (showUsage && !atLeast(version, 1, 23)) log.raw(usage(version))
    return error.exitCode
  }
  if (error instanceof FatalStartupError) {
    log.fatal(error.source, error.message)
    return error.exitCode
  }
  if (error instanceof StartupError) {
    if (atLeast(version, 1, 23)) log.error('run.go:74', `"command failed" err=${goQuote(error.message)}`)
    else log.raw(`Error: ${error.message}`)
    return error.exitCode
  }
  if (error instanceof VersionError) {
    log.raw(`Error: ${error.message}`)
    return 1
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
  log.error('run.go:74', `"command failed" err=${goQuote(message)}`)
  return 1
}

async function main(): Promise<void> {
  const log = new Klog()
  let version: KubeVersion
  try {
    version = versionFromEnv(process.env)
  } catch (error) {
    process.exitCode = reportStartupFailure(error, parseKubeVersion('1.32.0'), log)
    return
  }
  try {
    const running = await startApiserver(process.argv.slice(2), process.env, log)
    const shutdown = (signal: string): void => {
      log.info('genericapiserver.go:541', `"[graceful-termination] shutdown event" name="ShutdownInitiated" signal=${JSON.stringify(signal)}`)
      void running.stop().then(() => process.exit(0))
    }
    process.once('SIGTERM', () => shutdown('SIGTERM'))
    process.once('SIGINT', () => shutdown('SIGINT'))
  } catch (error) {
    process.exitCode = reportStartupFailure(error, version, log)
    // The etcd client and any half-open listeners must not keep the process alive.
    setTimeout(() => process.exit(process.exitCode ?? 1), 50).unref()
  }
}

await main()
