import {Args, Command, Flags} from '@oclif/core'
import {kubelabHome} from '../lab/home.js'
import {onInterrupt} from '../lab/interrupt.js'
import {checkComponent, followComponentLog, followLog, logFile, logSize, readComponentLog, readLog} from '../lab/logs.js'
import {resolveLab} from '../lab/registry.js'
import {exitOnUserError} from '../lab/user-errors.js'
import {LAB_COMPONENTS} from '../runtimes/types.js'

export default class Logs extends Command {
  static override summary = "Print a component's log."

  static override description = `Prints logs/COMPONENT.log of the lab: what the process wrote to stdout and stderr (for the kubelet,
also its own log lines). With -f, keeps printing what is appended until Ctrl-C, like \`tail -f\`.
Components: ${LAB_COMPONENTS.join(', ')}.`

  static override examples = ['<%= config.bin %> logs kube-apiserver', '<%= config.bin %> logs etcd -f', '<%= config.bin %> logs kubelet --tail 20 --lab second-lab']

  static override args = {
    component: Args.string({description: `One of ${LAB_COMPONENTS.join(', ')}.`, required: true}),
  }

  static override flags = {
    follow: Flags.boolean({char: 'f', description: 'Keep printing new lines until Ctrl-C.'}),
    tail: Flags.integer({description: 'Only the last N lines.', min: 0, helpValue: 'N'}),
    lab: Flags.string({description: 'Lab name (default: $KUBELAB_LAB, else the only lab).', helpValue: 'NAME'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Logs)
    const component = checkComponent(args.component)
    const lab = await resolveLab(flags.lab, kubelabHome())
    if (lab.record.runtime === 'kind') {
      // The node keeps them: `journalctl -u kubelet`, `crictl logs` of the static pod's container.
      const text = await readComponentLog(lab, component, flags.tail)
      if (text !== '') this.log(text.replace(/\n$/, ''))
      if (!flags.follow) return
      const interrupt = onInterrupt()
      try {
        await followComponentLog(lab, component, (chunk) => process.stdout.write(chunk), interrupt.signal)
      } finally {
        interrupt.dispose()
      }
      return
    }
    const file = logFile(lab, component)
    const from = await logSize(file)
    if (!flags.follow || from > 0) {
      const text = await readLog(file, component, flags.tail)
      if (text !== '') this.log(text.replace(/\n$/, ''))
    }
    if (!flags.follow) return
    const interrupt = onInterrupt()
    try {
      await followLog(file, from, (chunk) => process.stdout.write(chunk), interrupt.signal)
    } finally {
      interrupt.dispose()
    }
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    exitOnUserError(error, this)
    return super.catch(error)
  }
}
