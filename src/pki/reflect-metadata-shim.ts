/**
 * @peculiar/x509 2 resolves its algorithm providers through tsyringe, which refuses to load unless
 * `Reflect.getMetadata` exists (the reflect-metadata API). The `reflect-metadata` package is not a
 * dependency of this project, so this installs the three calls tsyringe makes — getMetadata,
 * getOwnMetadata, defineMetadata — when no polyfill is present. It must be imported before
 * @peculiar/x509. With `reflect-metadata` installed, replace this file by `import 'reflect-metadata'`.
 */

type MetadataTarget = object

interface ReflectMetadataApi {
  getMetadata(key: unknown, target: MetadataTarget): unknown
  getOwnMetadata(key: unknown, target: MetadataTarget): unknown
  defineMetadata(key: unknown, value: unknown, target: MetadataTarget): void
}

const reflect = Reflect as typeof Reflect & Partial<ReflectMetadataApi>

if (typeof reflect.getMetadata !== 'function') {
  const store = new WeakMap<MetadataTarget, Map<unknown, unknown>>()

  const getOwnMetadata = (key: unknown, target: MetadataTarget): unknown => store.get(target)?.get(key)

  const getMetadata = (key: unknown, target: MetadataTarget): unknown => {
    for (let current: MetadataTarget | null = target; current !== null; current = Object.getPrototypeOf(current)) {
      const own = store.get(current)
      if (own?.has(key)) return own.get(key)
    }
    return undefined
  }

  const defineMetadata = (key: unknown, value: unknown, target: MetadataTarget): void => {
    let own = store.get(target)
    if (own === undefined) {
      own = new Map()
      store.set(target, own)
    }
    own.set(key, value)
  }

  Object.assign(reflect, {getMetadata, getOwnMetadata, defineMetadata} satisfies ReflectMetadataApi)
}

export {}
