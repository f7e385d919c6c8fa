// The sim runtime's node agent: `node dist/runtimes/sim/kubelet/main.js --lab-dir DIR [--bin-dir DIR]`.
// Runs in the foreground; SIGTERM or SIGINT ends it and leaves the static pods running.
import {simNodeLayout} from '../node/layout.js'
import {parseKubeletArgs} from './cli-args.js'
import {KubeletAlreadyRunningError, KubeletUsageError} from './errors.js'
import {Kubelet} from './kubelet.js'

async function main(): Promise<number> {
  const args = parseKubeletArgs(process.argv.slice(2), process.cwd())
  const kubelet = new Kubelet(simNodeLayout(args.labDir), {binDir: args.binDir, searchPath: process.env['PATH']})
  let exiting = false
  const exit = (): void => {
    if (exiting) return
    exiting = true
    kubelet.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`kubelet: ${error instanceof Error ? error.message : String(error)}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', exit)
  process.on('SIGINT', exit)
  await kubelet.start()
  return 0
}

main().catch((error: unknown) => {
  const known = error instanceof KubeletUsageError || error instanceof KubeletAlreadyRunningError
  process.stderr.write(`kubelet: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(error instanceof KubeletUsageError ? 2 : 1)
})
