// How long kubelab takes to make a kubeadm PKI in-process, measured against the cost of one
// RSA-2048 key from node:crypto in the same run, on the same machine.
// Run after `npm run build`: node bench/pki.js [runs]   (default 5 runs; the median is reported)
import {generateKeyPair} from 'node:crypto'
import {availableParallelism} from 'node:os'
import {promisify} from 'node:util'
import {createKubeadmPki} from '../dist/pki/kubeadm-pki.js'

const generateNodeKeyPair = promisify(generateKeyPair)
const runs = Number(process.argv[2] ?? 5)
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`usage: node bench/pki.js [runs]  (runs must be a positive integer, got ${process.argv[2]})`)
  process.exit(2)
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

async function timeMs(task) {
  const start = performance.now()
  await task()
  return performance.now() - start
}

const base = {nodeName: 'lab-control-plane', kubernetesVersion: 'v1.30.2'}
const cases = [
  {
    name: 'one RSA-2048 key, node:crypto generateKeyPair',
    rsaKeys: 1,
    task: () => generateNodeKeyPair('rsa', {modulusLength: 2048}),
  },
  {
    // What the PKI would cost if making it were nothing but its RSA keys: the PKI's own overhead is the difference.
    name: '13 RSA-2048 keys at once, node:crypto',
    rsaKeys: 13,
    task: () => Promise.all(Array.from({length: 13}, () => generateNodeKeyPair('rsa', {modulusLength: 2048}))),
  },
  {name: 'kubeadm PKI, RSA-2048 (kubeadm default)', rsaKeys: 13, task: () => createKubeadmPki(base)},
  {
    name: 'kubeadm PKI + 5 kubeconfigs, RSA-2048',
    rsaKeys: 18,
    task: () => createKubeadmPki({...base, kubeconfigServer: 'https://127.0.0.1:6443'}),
  },
  {
    // The kubelet's own serving certificate and its throwaway CA stay RSA-2048, as the kubelet makes them.
    name: 'kubeadm PKI + 5 kubeconfigs, ECDSA-P256',
    rsaKeys: 2,
    task: () => createKubeadmPki({...base, kubeconfigServer: 'https://127.0.0.1:6443', encryptionAlgorithm: 'ECDSA-P256'}),
  },
]

// Warm up OpenSSL and the module graph so the first measured run is not the one paying for them.
await generateNodeKeyPair('rsa', {modulusLength: 2048})
await createKubeadmPki({...base, encryptionAlgorithm: 'ECDSA-P256'})

// Interleave the cases run by run, so a noisy moment on the machine hits all of them alike.
const samples = cases.map(() => [])
for (let run = 0; run < runs; run++) {
  for (const [index, benchCase] of cases.entries()) samples[index].push(await timeMs(benchCase.task))
}

const cores = availableParallelism()
const oneKeyMs = median(samples[0])
console.log(`kubelab PKI bench: median of ${runs} run(s), ${cores} core(s), Node ${process.version}`)
console.log('')
/** With every RSA key generated at once, the run cannot beat (RSA keys ÷ usable cores) × one key. */
const floor = (rsaKeys) => rsaKeys / Math.min(cores, rsaKeys)
console.log('case                                                 median ms   ÷ one key   floor')
for (const [index, benchCase] of cases.entries()) {
  const ms = median(samples[index])
  const ratio = `${(ms / oneKeyMs).toFixed(1)}×`
  console.log(`${benchCase.name.padEnd(52)}${ms.toFixed(0).padStart(10)}${ratio.padStart(12)}${`${floor(benchCase.rsaKeys).toFixed(1)}×`.padStart(8)}`)
}
console.log('')
console.log('floor: (RSA keys ÷ cores) × one key, the best possible when RSA key generation is all the work.')
console.log('ECDSA-P256 keys take well under a millisecond each.')
console.log(
  JSON.stringify({
    bench: 'pki',
    runs,
    cores,
    oneRsaKeyMs: Math.round(oneKeyMs),
    results: cases.map((benchCase, index) => ({
      case: benchCase.name,
      rsaKeys: benchCase.rsaKeys,
      medianMs: Math.round(median(samples[index])),
      ratioToOneKey: Number((median(samples[index]) / oneKeyMs).toFixed(2)),
    })),
  }),
)
