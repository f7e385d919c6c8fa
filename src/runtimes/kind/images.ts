/**
 * The kind node images kubelab runs, pinned by digest as kind's release notes ask ("please use these
 * exact images ... including the digest"), with the kind release that built each one.
 */
export interface KindNodeImage {
  /** Kubernetes version inside, e.g. "1.19.16". */
  kubernetesVersion: string
  /** `kindest/node:v1.19.16@sha256:…` */
  reference: string
  /** The kind release whose notes list this image. */
  builtByKind: string
}

/**
 * kind v0.17.0 is the last release that lists a 1.19 image (kind v0.18.0 starts at 1.21); 1.19 is
 * the last Kubernetes release whose API server serves the plain-HTTP insecure port.
 * Source: kind v0.17.0 release notes, "Images built for this release".
 */
export const KIND_NODE_IMAGE_1_19: KindNodeImage = {
  kubernetesVersion: '1.19.16',
  reference: 'kindest/node:v1.19.16@sha256:476cb3269232888437b61deca013832fee41f9f074f9bed79f57e4280f7c48b7',
  builtByKind: '0.17.0',
}

/**
 * Kubernetes 1.34: the newest line whose kubelet still starts on cgroup v1 hosts by default (1.35
 * refuses them, KEP-5573). Source: kind v0.30.0 release notes; kind publishes no 1.34.1 image, so
 * scenarios pinned to 1.34.x run on 1.34.0.
 */
export const KIND_NODE_IMAGE_1_34: KindNodeImage = {
  kubernetesVersion: '1.34.0',
  reference: 'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a',
  builtByKind: '0.30.0',
}

export const KIND_NODE_IMAGES: readonly KindNodeImage[] = [KIND_NODE_IMAGE_1_19, KIND_NODE_IMAGE_1_34]

/** The image that stands in for 1.19 when the host cannot run 1.19: the newest one kubelab pins. */
export const MODERN_KIND_NODE_IMAGE = KIND_NODE_IMAGE_1_34

/**
 * Node images built by kind before v0.20 run on cgroup v1 hosts only with kind before v0.20; newer
 * kind runs them on cgroup v2 hosts only (kind v0.20.0 release notes; see the kind recipes reference).
 */
export const KIND_CGROUP_V1_IMAGE_FORMAT_CHANGE = '0.20.0'

/** The pinned image for a scenario's Kubernetes version: same minor release, or undefined. */
export function pinnedImageFor(kubernetesVersion: string): KindNodeImage | undefined {
  const minor = (version: string): string => version.split('.').slice(0, 2).join('.')
  return KIND_NODE_IMAGES.find((image) => minor(image.kubernetesVersion) === minor(kubernetesVersion))
}

/** "kindest/node:v1.19.16@sha256:…" → "1.19.16"; undefined when the tag is no version. */
export function imageKubernetesVersion(reference: string): string | undefined {
  return /:v(\d+\.\d+\.\d+)(?:@|$)/.exec(reference)?.[1]
}
