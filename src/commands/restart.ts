import {Args, Command, Flags} from '@oclif/core'
import {kubelabHome} from '../lab/home.js'
import {checkComponent} from '../lab/logs.js'
import {resolveLab} from '../lab/registry.js'
import {restartComponent} from '../lab/restart.js'
import {exitOnUserError} from '../lab/user-errors.js'
import {LAB_COMPONENTS} from '../runtimes/types.js'

export default class Restart extends Command {
  static override summary = 'Restart the kubelet, or one static pod.'

  static override description = `kubelet: stops the sim kubelet, leaving the static pods running, and starts it again, as
\`systemctl restart kubelet\` does; it then reads config.yaml and kubeadm-flags.env anew.
A static pod (${LAB_COMPONENTS.filter((component) => component !== 'kubelet').join(', ')}): stops its process, and the
kubelet starts it again, as it does for any container that exits.`

  static override examples = ['<%= config.bin %> restart kubelet', '<%= config.bin %> restart kube-apiserver --lab second-lab']

  static override args = {
    component: Args.string({description: `One of ${LAB_COMPONENTS.join(', ')}.`, required: true}),
  }

  static override flags = {
    lab: Flags.string({description: 'Lab name (default: $KUBELAB_LAB, else the only lab).', helpValue: 'NAME'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Restart)
    const component = checkComponent(args.component)
    const lab = await resolveLab(flags.lab, kubelabHome())
    const outcome = await restartComponent(lab, component)
    const before = outcome.stoppedPid === undefined ? 'was not running' : `pid ${outcome.stoppedPid} stopped`
    this.log(`Restarted ${component} in lab ${lab.name}: ${before}, now pid ${outcome.pid}.`)
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    exitOnUserError(error, this)
    return super.catch(error)
  }
}
