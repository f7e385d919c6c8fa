import {describe, expect, it} from '@jest/globals'
import {execa} from 'execa'
import {formatExports, shellQuote} from '../../src/lab/env.js'

describe('formatExports', () => {
  it('prints export lines that bash evaluates to exactly the values, quotes and spaces included', async () => {
    const tricky = "/tmp/it's a lab/$HOME/`date`/admin.conf"
    const script = `${formatExports([
      {name: 'KUBECONFIG', value: tricky},
      {name: 'KUBELAB_LAB', value: 'all-open'},
      {name: 'ETCDCTL_CACERT', value: undefined},
    ])}printf '%s\\n' "$KUBECONFIG" "$KUBELAB_LAB" "\${ETCDCTL_CACERT-unset}"`
    const result = await execa('bash', ['-c', script], {env: {ETCDCTL_CACERT: '/left/over.crt'}})
    expect(result.stdout.split('\n')).toEqual([tricky, 'all-open', 'unset'])
  })

  it('quotes for POSIX shells', () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`)
    expect(shellQuote('')).toBe("''")
  })
})
