import {Command, Flags} from '@oclif/core'
import {kubelabHome} from '../../lab/home.js'
import {NODE_ROOT_VARIABLE, nodeExec} from '../../lab/node-exec.js'
import {resolveLab} from '../../lab/registry.js'
import {exitOnUserError} from '../../lab/user-errors.js'

export default class NodeExec extends Command {
  static override summary = "Run a command as if on the lab's node."

  static override description = `Runs CMD in the node root (the lab's stand-in for the node's /), with $${NODE_ROOT_VARIABLE} set to it, so relative paths work: \`kubelab node exec -- cat etc/kubernetes/manifests/etcd.yaml\`.

Arguments naming node paths (/etc/kubernetes/…, /var/lib/kubelet/…, /var/lib/etcd/…, /etc/ssl/certs/…, also inside --flag=/path and comma lists) are rewritten into the node root, so commands copied from a kubeadm node work as they are: \`kubelab node exec -- openssl x509 -noout -text -in /etc/kubernetes/pki/apiserver.crt\`. --no-translate passes them unchanged. Inside \`sh -c '…'\` nothing is rewritten: use $${NODE_ROOT_VARIABLE} there.

Exit status: CMD's.`

  static override examples = [
    '<%= config.bin %> node exec -- cat etc/kubernetes/manifests/etcd.yaml',
    '<%= config.bin %> node exec -- grep -n anonymous /var/lib/kubelet/config.yaml',
    `<%= config.bin %> node exec --lab second-lab -- sh -c 'ls -l $${NODE_ROOT_VARIABLE}/etc/kubernetes/pki'`,
  ]

  static override strict = false

  static override usage = 'node exec [--lab NAME] [--no-translate] -- CMD [ARG...]'

  static override flags = {
    lab: Flags.string({description: 'Lab name (default: $KUBELAB_LAB, else the only lab).', helpValue: 'NAME'}),
    translate: Flags.boolean({description: 'Rewrite node-path arguments into the node root.', default: true, allowNo: true}),
  }

  async run(): Promise<void> {
    // Everything after the first `--` is the command, word for word: oclif would still take a later `--` or a
    // word like `-e` for itself (`grep -e x`, `grep -- --etcd`).
    const raw = [...this.argv]
    const separator = raw.indexOf('--')
    const {argv, flags} = await this.parse(NodeExec, separator === -1 ? raw : raw.slice(0, separator))
    const command = separator === -1 ? argv.map(String) : [...argv.map(String), ...raw.slice(separator + 1)]
    const lab = await resolveLab(flags.lab, kubelabHome())
    const code = await nodeExec(lab, command, {translate: flags.translate})
    if (code !== 0) this.exit(code)
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    exitOnUserError(error, this)
    return super.catch(error)
  }
}
