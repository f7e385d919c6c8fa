import {Args, Command, Flags} from '@oclif/core'
import {downAllLabs, downLab, type DownOutcome} from '../lab/down.js'
import {LabUsageError, PortsStillBusyError} from '../lab/errors.js'
import {exitOnUserError} from '../lab/user-errors.js'

export default class Down extends Command {
  static override summary = 'Stop a lab and remove its files.'

  static override description = `Stops the lab's kubelet and every static pod, checks that none of its processes is left and that
its ports are free, then removes the lab folder (certificates, manifests, etcd data, logs).
NAME defaults to $KUBELAB_LAB, else the only lab.

Exit status: 0 when the lab is gone, 1 when something was left behind, 2 for a usage error.`

  static override examples = ['<%= config.bin %> down', '<%= config.bin %> down all-open', '<%= config.bin %> down --all', '<%= config.bin %> down all-open --keep']

  static override args = {
    name: Args.string({description: 'Lab name.'}),
  }

  static override flags = {
    all: Flags.boolean({description: 'Every lab.'}),
    keep: Flags.boolean({description: 'Stop the processes but keep the lab folder.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Down)
    if (flags.all && args.name !== undefined) throw new LabUsageError('give a lab NAME or --all, not both.')
    const outcomes = flags.all ? await downAllLabs({keep: flags.keep}) : [await downLab(args.name, {keep: flags.keep})]
    if (outcomes.length === 0) this.log('No labs.')
    for (const outcome of outcomes) this.log(describe(outcome))
    const busy = outcomes.find((outcome) => outcome.portsStillBusy.length > 0)
    if (busy) throw new PortsStillBusyError(busy.name, busy.portsStillBusy)
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    exitOnUserError(error, this)
    return super.catch(error)
  }
}

function describe(outcome: DownOutcome): string {
  return outcome.kept ? `Stopped lab ${outcome.name}; its files stay in ${outcome.dir}.` : `Stopped lab ${outcome.name} and removed ${outcome.dir}.`
}
