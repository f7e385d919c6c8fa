import {Args, Command, Flags} from '@oclif/core'
import {EDITABLE_FILES, editComponent} from '../lab/edit.js'
import {kubelabHome} from '../lab/home.js'
import {checkComponent} from '../lab/logs.js'
import {resolveLab} from '../lab/registry.js'
import {exitOnUserError} from '../lab/user-errors.js'
import {LAB_COMPONENTS} from '../runtimes/types.js'

export default class Edit extends Command {
  static override summary = "Edit a component's configuration file in your editor."

  static override description = `Opens a copy of the file in $VISUAL, else $EDITOR, else vi:
${LAB_COMPONENTS.map((component) => `  ${component.padEnd(24)}${EDITABLE_FILES[component]}`).join('\n')}
On save the text is checked as the component reads it; a file that does not parse is refused with its
line (your edit is kept in a temp file), unless --force. The file is then replaced atomically: the kubelet
restarts a static pod whose manifest changed; the kubelet itself reads config.yaml only when it starts.`

  static override examples = ['<%= config.bin %> edit kube-apiserver', 'EDITOR=nano <%= config.bin %> edit kubelet', '<%= config.bin %> edit etcd --force']

  static override args = {
    component: Args.string({description: `One of ${LAB_COMPONENTS.join(', ')}.`, required: true}),
  }

  static override flags = {
    force: Flags.boolean({description: 'Write the file even when it does not parse.'}),
    lab: Flags.string({description: 'Lab name (default: $KUBELAB_LAB, else the only lab).', helpValue: 'NAME'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Edit)
    const component = checkComponent(args.component)
    const lab = await resolveLab(flags.lab, kubelabHome())
    const outcome = await editComponent(lab, component, {force: flags.force})
    if (!outcome.changed) {
      this.log(`No changes; ${outcome.nodePath} is as it was.`)
      return
    }
    this.log(`Wrote ${outcome.nodePath} (${outcome.file}).`)
    if (outcome.forcedProblem) this.logToStderr(`Warning: written with --force although it does not parse: ${outcome.forcedProblem}`)
    this.log(
      component === 'kubelet'
        ? `The kubelet reads its config only when it starts: run \`kubelab restart kubelet${flags.lab ? ` --lab ${lab.name}` : ''}\` to apply it.`
        : `The kubelet restarts ${component} with the new manifest; watch it with \`kubelab status ${lab.name}\`.`,
    )
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    exitOnUserError(error, this)
    return super.catch(error)
  }
}
