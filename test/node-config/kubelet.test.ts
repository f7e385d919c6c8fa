import {afterEach, describe, expect, it} from '@jest/globals'
import {readKubeletConfig} from '../../src/node-config/kubelet.js'
import {ConfigParseError, type KubeletConfigView} from '../../src/node-config/types.js'
import {fixtureLine, fixtureNode, ObservedNode, tempNodeRoot, type TempNodeRoot} from '../support/node-roots.js'

const CONFIG = '/var/lib/kubelet/config.yaml'
const FLAGS_ENV = '/var/lib/kubelet/kubeadm-flags.env'
const USR_DROP_IN = '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf'
const ETC_DROP_IN = '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf'

const temps: TempNodeRoot[] = []
async function temp(fixture: string | undefined, files: Record<string, string> = {}, remove: string[] = []): Promise<TempNodeRoot> {
  const made = await tempNodeRoot(fixture, files, remove)
  temps.push(made)
  return made
}
afterEach(async () => {
  await Promise.all(temps.splice(0).map((made) => made.remove()))
})

function values(view: KubeletConfigView): Record<string, string | undefined> {
  const keys = ['anonymousAuth', 'webhookAuthentication', 'clientCAFile', 'authorizationMode', 'readOnlyPort', 'port', 'tlsCertFile', 'tlsPrivateKeyFile'] as const
  return Object.fromEntries(keys.map((key) => [key, view.get(key).value]))
}

describe('readKubeletConfig on kubeadm nodes', () => {
  it('reads the v1.34 node through its drop-in: --config from KUBELET_CONFIG_ARGS, values from config.yaml, v1beta1 defaults for the rest', async () => {
    const view = await readKubeletConfig(fixtureNode('kubeadm-1.34-hardened'))

    expect(view.flagsSource).toBe(`${USR_DROP_IN}, ${FLAGS_ENV}`)
    expect(view).toMatchObject({configFile: CONFIG, configFound: true, configInUse: true, defaults: 'config-file', dropInFiles: [], positional: []})
    expect(values(view)).toEqual({
      anonymousAuth: 'false',
      webhookAuthentication: 'true',
      clientCAFile: '/etc/kubernetes/pki/ca.crt',
      authorizationMode: 'Webhook',
      readOnlyPort: '0',
      port: '10250',
      tlsCertFile: undefined,
      tlsPrivateKeyFile: undefined,
    })
    expect(view.get('anonymousAuth')).toEqual({
      key: 'anonymousAuth',
      flag: 'anonymous-auth',
      configPath: 'authentication.anonymous.enabled',
      value: 'false',
      source: 'config-file',
      file: CONFIG,
      line: 4,
    })
    expect(view.get('clientCAFile')).toMatchObject({source: 'config-file', line: 9})
    expect(view.get('authorizationMode')).toMatchObject({source: 'config-file', line: await fixtureLine('kubeadm-1.34-hardened', CONFIG, 'mode: Webhook')})
    expect(view.get('readOnlyPort')).toMatchObject({source: 'default', value: '0'})
    expect(view.get('readOnlyPort').file).toBeUndefined()
    expect(view.get('readOnlyPort').defaultFrom).toMatch(/KubeletConfiguration default.*readOnlyPort in \/var\/lib\/kubelet\/config.yaml/)
  })

  it('reads the v1.19 all-open node: anonymous, AlwaysAllow and the read-only port from the config file', async () => {
    const view = await readKubeletConfig(fixtureNode('kubeadm-1.19-all-open'))

    expect(view.flagsSource).toBe(`${ETC_DROP_IN}, ${FLAGS_ENV}`)
    expect(view.get('anonymousAuth')).toMatchObject({value: 'true', source: 'config-file', line: 4})
    expect(view.get('authorizationMode')).toMatchObject({value: 'AlwaysAllow', source: 'config-file', line: 11})
    expect(view.get('readOnlyPort')).toMatchObject({
      value: '10255',
      source: 'config-file',
      file: CONFIG,
      line: await fixtureLine('kubeadm-1.19-all-open', CONFIG, 'readOnlyPort: 10255'),
    })
  })

  it('lets kubeadm-flags.env flags win over config.yaml', async () => {
    const view = await readKubeletConfig(fixtureNode('kubelet-flag-over-file'))

    expect(view.get('anonymousAuth')).toMatchObject({value: 'true', source: 'flag', file: FLAGS_ENV, line: 1})
    expect(view.get('readOnlyPort')).toMatchObject({value: '10255', source: 'flag', file: FLAGS_ENV, line: 1})
    // Settings no flag touches still come from the file.
    expect(view.get('webhookAuthentication')).toMatchObject({value: 'true', source: 'config-file', file: CONFIG, line: 7})
    expect(view.get('authorizationMode')).toMatchObject({value: 'Webhook', source: 'config-file'})
  })

  it('applies the command-line defaults when the kubelet runs without --config (kubeadm v1.9 drop-in)', async () => {
    const view = await readKubeletConfig(fixtureNode('kubelet-no-config'))

    expect(view).toMatchObject({configInUse: false, configFound: false, defaults: 'command-line', flagsSource: ETC_DROP_IN})
    expect(values(view)).toEqual({
      anonymousAuth: 'true',
      webhookAuthentication: 'false',
      clientCAFile: '/etc/kubernetes/pki/ca.crt',
      authorizationMode: 'Webhook',
      readOnlyPort: '10255',
      port: '10250',
      tlsCertFile: undefined,
      tlsPrivateKeyFile: undefined,
    })
    expect(view.get('authorizationMode')).toMatchObject({source: 'flag', file: ETC_DROP_IN, line: 6})
    expect(view.get('anonymousAuth')).toMatchObject({source: 'default'})
    expect(view.get('anonymousAuth').defaultFrom).toMatch(/command-line default: no --config/)
  })

  it('ignores an existing config.yaml when nothing passes --config', async () => {
    const hardenedConfig = await fixtureNode('kubeadm-1.34-hardened').readFile(CONFIG)
    const {node} = await temp('kubelet-no-config', {[CONFIG]: hardenedConfig ?? ''})

    const view = await readKubeletConfig(node)

    expect(view.configInUse).toBe(false)
    expect(view.get('anonymousAuth')).toMatchObject({value: 'true', source: 'default'})
    expect(view.get('readOnlyPort')).toMatchObject({value: '10255', source: 'default'})
  })
})

describe('where the kubelet command line comes from', () => {
  it('prefers a running kubelet\'s argv and reads the config file it names', async () => {
    const {node: files} = await temp('kubeadm-1.34-hardened', {
      '/etc/kubelet/other.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 10255\n',
    })
    const node = new ObservedNode(files, [
      {pid: 17, argv: ['/usr/sbin/sshd', '-D']},
      {pid: 4242, argv: ['/usr/bin/kubelet', '--config=/etc/kubelet/other.yaml', '--anonymous-auth=false']},
    ])

    const view = await readKubeletConfig(node)

    expect(view.flagsSource).toBe('process 4242')
    expect(view.configFile).toBe('/etc/kubelet/other.yaml')
    expect(view.get('anonymousAuth')).toEqual({
      key: 'anonymousAuth',
      flag: 'anonymous-auth',
      configPath: 'authentication.anonymous.enabled',
      value: 'false',
      source: 'flag',
      file: 'process 4242',
    })
    expect(view.get('readOnlyPort')).toMatchObject({value: '10255', source: 'config-file', file: '/etc/kubelet/other.yaml', line: 3})
    expect(node.reads).not.toContain(FLAGS_ENV)
  })

  it('honours /etc/default/kubelet KUBELET_EXTRA_ARGS, which comes last on the command line', async () => {
    const {node} = await temp('kubelet-flag-over-file', {'/etc/default/kubelet': '# local overrides\nKUBELET_EXTRA_ARGS="--read-only-port=0 --anonymous-auth=false"\n'})

    const view = await readKubeletConfig(node)

    expect(view.flagsSource).toBe(`${USR_DROP_IN}, ${FLAGS_ENV}, /etc/default/kubelet`)
    expect(view.get('readOnlyPort')).toMatchObject({value: '0', source: 'flag', file: '/etc/default/kubelet', line: 2})
    expect(view.get('anonymousAuth')).toMatchObject({value: 'false', source: 'flag', file: '/etc/default/kubelet', line: 2})
  })

  it('lets EnvironmentFile= override Environment= whatever the order, as systemd does', async () => {
    // The hardened node's /etc/default/kubelet says KUBELET_EXTRA_ARGS= (empty): that wins over a drop-in's Environment=.
    const {node} = await temp('kubeadm-1.34-hardened', {
      '/etc/systemd/system/kubelet.service.d/20-open.conf': '[Service]\nEnvironment="KUBELET_EXTRA_ARGS=--anonymous-auth=true"\n',
    })
    expect((await readKubeletConfig(node)).get('anonymousAuth')).toMatchObject({value: 'false', source: 'config-file'})

    const {node: withoutDefault} = await temp(
      'kubeadm-1.34-hardened',
      {'/etc/systemd/system/kubelet.service.d/20-open.conf': '[Service]\nEnvironment="KUBELET_EXTRA_ARGS=--anonymous-auth=true"\n'},
      ['/etc/default/kubelet'],
    )
    expect((await readKubeletConfig(withoutDefault)).get('anonymousAuth')).toMatchObject({
      value: 'true',
      source: 'flag',
      file: '/etc/systemd/system/kubelet.service.d/20-open.conf',
      line: 2,
    })
  })

  it('lets a drop-in in /etc mask the packaged one of the same name', async () => {
    const {node} = await temp('kubeadm-1.34-hardened', {
      [ETC_DROP_IN]: '[Service]\nEnvironment="KUBELET_CONFIG_ARGS=--config=/etc/kubernetes/kubelet.yaml"\nExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_CONFIG_ARGS --read-only-port=10255\n',
    })

    const view = await readKubeletConfig(node)

    expect(view.flagsSource).toBe(ETC_DROP_IN)
    expect(view.configFile).toBe('/etc/kubernetes/kubelet.yaml')
    expect(view.configFound).toBe(false)
    expect(view.get('readOnlyPort')).toMatchObject({value: '10255', source: 'flag', file: ETC_DROP_IN, line: 4})
    // --config names a file that is missing: the kubelet would not start; unset values follow the config-file defaults.
    expect(view.get('anonymousAuth')).toMatchObject({value: 'false', source: 'default'})
  })

  it('assumes kubeadm\'s packaged drop-in when the node has no kubelet unit at all', async () => {
    const {node} = await temp('kubelet-flag-over-file', {}, [USR_DROP_IN])

    const view = await readKubeletConfig(node)

    expect(view.flagsSource).toBe(`${FLAGS_ENV} (kubeadm's packaged drop-in assumed: no kubelet unit on the node)`)
    expect(view.configFile).toBe(CONFIG)
    expect(view.get('anonymousAuth')).toMatchObject({value: 'true', source: 'flag', file: FLAGS_ENV})
    expect(view.get('webhookAuthentication')).toMatchObject({value: 'true', source: 'config-file'})
  })

  it('says "none" and uses kubeadm\'s config path when the node shows nothing of the kubelet', async () => {
    const {node} = await temp(undefined)

    const view = await readKubeletConfig(node)

    expect(view).toMatchObject({flagsSource: 'none', configFile: CONFIG, configInUse: true, configFound: false, defaults: 'config-file'})
    expect(view.get('anonymousAuth')).toMatchObject({value: 'false', source: 'default'})
  })

  it('reports a stray argument after a boolean flag, which makes the kubelet refuse to start', async () => {
    const {node} = await temp('kubelet-flag-over-file', {[FLAGS_ENV]: 'KUBELET_KUBEADM_ARGS="--anonymous-auth false"\n'})

    const view = await readKubeletConfig(node)

    expect(view.get('anonymousAuth')).toMatchObject({value: 'true', source: 'flag'})
    expect(view.positional).toEqual([{value: 'false', file: FLAGS_ENV, line: 1}])
  })
})

describe('KubeletConfiguration files', () => {
  it('merges --config-dir drop-ins over the config file in alphanumeric order; flags still win', async () => {
    const dropIns = '/etc/kubernetes/kubelet.conf.d'
    const head = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n'
    const {node} = await temp('kubeadm-1.34-hardened', {
      [FLAGS_ENV]: `KUBELET_KUBEADM_ARGS="--config-dir=${dropIns} --port=10350"\n`,
      [`${dropIns}/20-authz.conf`]: `${head}authorization:\n  mode: AlwaysAllow\nreadOnlyPort: 0\n`,
      [`${dropIns}/10-readonly.conf`]: `${head}readOnlyPort: 10255\nport: 10300\n`,
      [`${dropIns}/README`]: 'not a drop-in',
    })

    const view = await readKubeletConfig(node)

    expect(view.dropInFiles).toEqual([`${dropIns}/10-readonly.conf`, `${dropIns}/20-authz.conf`])
    expect(view.get('authorizationMode')).toMatchObject({value: 'AlwaysAllow', source: 'config-file', file: `${dropIns}/20-authz.conf`, line: 4})
    expect(view.get('readOnlyPort')).toMatchObject({value: '0', source: 'config-file', file: `${dropIns}/20-authz.conf`, line: 5})
    expect(view.get('port')).toMatchObject({value: '10350', source: 'flag', file: FLAGS_ENV})
    expect(view.get('anonymousAuth')).toMatchObject({value: 'false', source: 'config-file', file: CONFIG})
  })

  it('reads YAML 1.1 booleans as the kubelet does, and treats port: 0 as unset (defaulted to 10250)', async () => {
    const {node} = await temp('kubeadm-1.34-hardened', {
      [CONFIG]: 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: yes\nport: 0\nauthorization:\n  mode: ""\n',
    })

    const view = await readKubeletConfig(node)

    expect(view.get('anonymousAuth')).toMatchObject({value: 'true', source: 'config-file', line: 5})
    expect(view.get('port')).toMatchObject({value: '10250', source: 'default'})
    expect(view.get('authorizationMode')).toMatchObject({value: 'Webhook', source: 'default'})
  })

  const refused: Array<[string, string, number, RegExp]> = [
    [
      'a quoted boolean',
      'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: "false"\n',
      5,
      /authentication.anonymous.enabled: expected a boolean, found the string "false"/,
    ],
    ['a port given as text', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: "10255"\n', 3, /readOnlyPort: expected an integer/],
    ['a scalar where an object belongs', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication: on\n', 3, /authentication: expected an object/],
    ['another kind', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeProxyConfiguration\n', 2, /no kind "KubeProxyConfiguration" is registered/],
    ['an old apiVersion', 'apiVersion: kubelet.config.k8s.io/v1alpha1\nkind: KubeletConfiguration\n', 1, /for version "kubelet.config.k8s.io\/v1alpha1"/],
    [
      'a tab used for indentation',
      'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n\tenabled: false\n',
      5,
      /Tabs are not allowed as indentation/,
    ],
    ['an empty file', '', 1, /was empty/],
  ]
  it.each(refused)('refuses %s with the file and line', async (_label, text, line, reason) => {
    const {node} = await temp('kubeadm-1.34-hardened', {[CONFIG]: text})

    const error = await readKubeletConfig(node).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(ConfigParseError)
    expect(error).toMatchObject({file: CONFIG, line})
    expect((error as ConfigParseError).reason).toMatch(reason)
  })
})
