import {Command, Flags} from '@oclif/core'
import {BinDirNotFoundError, LAB_PORTS, RUNTIME_CHOICES, runDoctor} from '../lab/doctor.js'
import {formatDoctor} from '../lab/doctor-text.js'
import {colourEnabled} from '../report/colour.js'
import {ExitCode} from '../report/outcome.js'

export default class Doctor extends Command {
  static override summary = 'Check that this machine has what the lab runtimes need.'

  static override description = [
    'Looks for Node.js, etcd (sim runtime), Docker and kind (kind runtime), kubectl, the cgroup version, and whether the lab\'s default ports are free on 127.0.0.1. Each problem comes with a fix.',
    'Exit status: 0 when the chosen runtime can run (with auto: when either can), 1 when something it needs is missing, 2 for a usage error.',
  ].join('\n\n')

  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --runtime sim --bin-dir ~/etcd-v3.5.21-linux-amd64', '<%= config.bin %> doctor --json']

  static override flags = {
    runtime: Flags.option({options: RUNTIME_CHOICES, default: 'auto' as const, description: 'Which runtime to check for.'})(),
    'bin-dir': Flags.string({description: 'Folder searched before PATH for etcd, docker, kind and kubectl.', helpValue: 'DIR'}),
    port: Flags.integer({
      description: `Port to check is free on 127.0.0.1 (repeatable; default the lab's ${LAB_PORTS.join(', ')}).`,
      multiple: true,
      delimiter: ',',
      min: 1,
      max: 65535,
    }),
    json: Flags.boolean({description: 'Print the findings as JSON.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Doctor)
    const report = await runDoctor({runtime: flags.runtime, binDir: flags['bin-dir'], ports: flags.port})
    const printed = flags.json
      ? JSON.stringify(report, null, 2)
      : formatDoctor(report, {colour: colourEnabled({env: process.env, isTTY: process.stdout.isTTY})}).replace(/\n$/, '')
    this.log(printed)
    if (!report.ready) this.exit(ExitCode.checksFailed)
  }

  /** A bad --bin-dir gets exactly one line and exit 2; anything else is a bug and keeps its stack. */
  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    if (error instanceof BinDirNotFoundError) {
      this.logToStderr(`Error: ${error.message}`)
      this.exit(ExitCode.usage)
    }
    return super.catch(error)
  }
}
