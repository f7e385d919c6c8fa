import {Args, Command, Flags} from '@oclif/core'
import {KUBELAB_LAB_ENV, kubelabHome} from '../lab/home.js'
import {labStatuses} from '../lab/status.js'
import {formatStatuses} from '../lab/status-text.js'
import {exitOnUserError} from '../lab/user-errors.js'

export default class Status extends Command {
  static override summary = 'Show what runs in a lab, or in every lab.'

  static override description = `For each lab: its scenario and state, the kubeconfig, the kubelet, and each static pod's state, pid,
restarts, last exit and listening ports, as the sim kubelet reports them. A manifest the kubelet refuses
is shown with its file and line. Without NAME, every lab is shown.`

  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status all-open', '<%= config.bin %> status --json']

  static override args = {
    name: Args.string({description: 'Lab name (default: every lab).'}),
  }

  static override flags = {
    json: Flags.boolean({description: 'Print the status as JSON.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Status)
    const views = await labStatuses(args.name, kubelabHome())
    this.log(flags.json ? JSON.stringify(args.name === undefined ? views : views[0], null, 2) : formatStatuses(views, process.env[KUBELAB_LAB_ENV]).trimEnd())
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    exitOnUserError(error, this)
    return super.catch(error)
  }
}
