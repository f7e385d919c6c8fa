import {describe, expect, it} from '@jest/globals'
import {applyUnitFile, emptyServiceSettings, expandExecStart, parseEnvironmentFile} from '../../src/node-config/systemd.js'

describe('systemd unit reading for the kubelet command line', () => {
  it('expands $VAR into words and ${VAR} inside a word, across continued lines, remembering where each came from', () => {
    const settings = emptyServiceSettings()
    applyUnitFile(
      settings,
      `[Unit]
Description=not read
Environment="IGNORED=--in-unit-section"

[Service]
Environment="ARGS=--a=1  --b=2" 'PORT=10250'
; a comment
ExecStart=/usr/bin/kubelet \\
  $ARGS --port=\${PORT} $UNSET "--node-labels=x=y z"
`,
      '/etc/systemd/system/kubelet.service.d/30.conf',
    )

    expect(settings.environment.has('IGNORED')).toBe(false)
    const items = expandExecStart(settings.execStart ?? {value: '', file: '', line: 0}, settings.environment)

    expect(items.map((item) => item.value)).toEqual(['/usr/bin/kubelet', '--a=1', '--b=2', '--port=10250', '--node-labels=x=y z'])
    expect(items.map((item) => item.line)).toEqual([8, 6, 6, 6, 8])
  })

  it('lets an empty ExecStart= reset the command and keeps the last one', () => {
    const settings = emptyServiceSettings()
    applyUnitFile(settings, '[Service]\nExecStart=/usr/bin/kubelet --old\n', '/lib/systemd/system/kubelet.service')
    applyUnitFile(settings, '[Service]\nExecStart=\nExecStart=-/usr/bin/kubelet --new\n', '/etc/systemd/system/kubelet.service.d/10.conf')

    expect(settings.execStart).toEqual({value: '-/usr/bin/kubelet --new', file: '/etc/systemd/system/kubelet.service.d/10.conf', line: 3})
    expect(expandExecStart(settings.execStart ?? {value: '', file: '', line: 0}, settings.environment).map((item) => item.value)).toEqual([
      '/usr/bin/kubelet',
      '--new',
    ])
  })

  it('reads EnvironmentFile lines with quotes and comments', () => {
    const values = parseEnvironmentFile('# kubeadm\nKUBELET_KUBEADM_ARGS="--a=b --c=d"\nKUBELET_EXTRA_ARGS=--x --y\nEMPTY=\n', '/var/lib/kubelet/kubeadm-flags.env')

    expect(values.get('KUBELET_KUBEADM_ARGS')).toEqual({value: '--a=b --c=d', file: '/var/lib/kubelet/kubeadm-flags.env', line: 2})
    expect(values.get('KUBELET_EXTRA_ARGS')?.value).toBe('--x --y')
    expect(values.get('EMPTY')?.value).toBe('')
  })
})
