import {Args, Command} from '@oclif/core'
import {formatExports, labEnvironment} from '../lab/env.js'
import {kubelabHome} from '../lab/home.js'
import {resolveLab} from '../lab/registry.js'
import {exitOnUserError} from '../lab/user-errors.js'

export default class Env extends Command {
  static override summary = 'Print shell commands that point kubectl, etcdctl and kubelab at a lab.'

  static override description = `Prints export lines for eval: KUBECONFIG (the lab's admin.conf), KUBELAB_LAB, where each component
answers (KUBELAB_APISERVER, KUBELAB_ETCD, KUBELAB_KUBELET, …) and ETCDCTL_ENDPOINTS — with ETCDCTL_CACERT,
ETCDCTL_CERT and ETCDCTL_KEY set to the healthcheck client's certificate when etcd speaks TLS.
NAME defaults to $KUBELAB_LAB, else the only lab.`

  static override examples = ['eval "$(<%= config.bin %> env)"', 'eval "$(<%= config.bin %> env second-lab)"']

  static override args = {
    name: Args.string({description: 'Lab name.'}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Env)
    const lab = await resolveLab(args.name, kubelabHome())
    this.log(formatExports(await labEnvironment(lab)).trimEnd())
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    exitOnUserError(error, this)
    return super.catch(error)
  }
}
