/**
 * Watch streams (`?watch=true`): newline-delimited `{"type":"ADDED|MODIFIED|DELETED","object":...}` events from an
 * etcd watch on the collection's key prefix. Without a resourceVersion the current objects are sent first as
 * ADDED, as the real apiserver does; `timeoutSeconds` ends the stream.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {ApiContext} from '../api/context.js'
import type {KubeObject} from '../api/object.js'
import type {ResourceType} from '../api/resources.js'
import {toTable} from '../api/table.js'
import {collectionPrefix} from '../storage/keys.js'
import {decodeKeyValue} from '../storage/store.js'

const DEFAULT_TIMEOUT_SECONDS = 1800

export interface WatchRequest {
  type: ResourceType
  namespace: string
  filter: (object: KubeObject) => boolean
  table: boolean
  query: URLSearchParams
}

export async function streamWatch(
  context: ApiContext,
  watch: WatchRequest,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const {type, namespace} = watch
  const prefix = collectionPrefix(context.store.prefix, type, namespace === '' ? undefined : namespace)
  const requestedVersion = watch.query.get('resourceVersion')
  const timeoutSeconds = Number(watch.query.get('timeoutSeconds') ?? DEFAULT_TIMEOUT_SECONDS) || DEFAULT_TIMEOUT_SECONDS
  response.writeHead(200, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private'})
  const send = (eventType: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void => {
    if (!watch.filter(object)) return
    const body = watch.table ? toTable(type, [object], object.metadata.resourceVersion ?? '', watch.query.get('includeObject')) : object
    response.write(`${JSON.stringify({type: eventType, object: body})}\n`)
  }
  let startRevision: number
  if (requestedVersion === null || requestedVersion === '' || requestedVersion === '0') {
    const listed = await context.store.list(type, namespace === '' ? undefined : namespace)
    for (const item of listed.items) send('ADDED', item)
    startRevision = Number(listed.resourceVersion) + 1
  } else {
    startRevision = Number(requestedVersion) + 1
  }
  const watcher = await context.store.client.watch().prefix(prefix).withPreviousKV().startRevision(String(startRevision)).create()
  watcher.on('put', (kv) => {
    const object = decodeKeyValue(kv)
    if (object) send(kv.create_revision === kv.mod_revision ? 'ADDED' : 'MODIFIED', object)
  })
  watcher.on('delete', (kv, previous) => {
    const object = previous ? decodeKeyValue(previous) : undefined
    if (object) send('DELETED', {...object, metadata: {...object.metadata, resourceVersion: kv.mod_revision}})
  })
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutSeconds * 1000)
    request.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
    watcher.on('error', () => {
      clearTimeout(timer)
      resolve()
    })
  })
  await watcher.cancel().catch(() => undefined)
  response.end()
}
