#!/usr/bin/env node
// Writes oclif.manifest.json after the build. Without it oclif imports every command module on each
// start to learn the command list; with it, `kubelab X` imports only X. (oclif's own `oclif manifest`
// would do the same but pulls in the oclif dev package and the AWS SDK.) Run by `npm run build`, which
// also records in dist/.source-hash which sources dist/ was built from (tests reuse a current dist/).
import {rm, writeFile} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import {Config} from '@oclif/core'
import {sourceHash} from './source-hash.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const file = new URL('../oclif.manifest.json', import.meta.url)
await rm(file, {force: true})
const config = await Config.load({root, ignoreManifest: true})
const plugin = config.getPluginsList().find((candidate) => candidate.root === config.root)
if (!plugin) throw new Error(`oclif-manifest: no plugin at ${root}`)
const {commands} = plugin.manifest
const unusable = Object.entries(commands).filter(([, command]) => !('isESM' in command && 'relativePath' in command))
if (unusable.length > 0) throw new Error(`oclif-manifest: commands without a module path: ${unusable.map(([id]) => id).join(', ')}`)
await writeFile(file, `${JSON.stringify({commands, version: config.version}, null, 2)}\n`)
await writeFile(new URL('../dist/.source-hash', import.meta.url), `${await sourceHash(root)}\n`)
console.log(`oclif-manifest: ${Object.keys(commands).length} commands`)
