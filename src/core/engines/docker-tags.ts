/**
 * The engine images r1 pins in the docker form, one published tag per release in the engine data, with where the
 * naming comes from. Tag naming changed over time (SGLang most of all); each rule covers a range of releases and
 * names its source, and DOCKER_TAG_EVIDENCE lists tags seen published, which a test holds against the rules.
 */
import type {Engine} from '../constants.js'
import {knownReleases} from './interface.js'
import {compareVersions, parseVersion} from './version.js'

export interface DockerTagRule {
  engine: Engine
  /** First release the rule covers (inclusive). */
  from: string
  /** First release it no longer covers (exclusive); absent = still current. */
  until?: string
  repository: string
  /** The tag for a release, e.g. `v0.4.6.post4-cu124`. */
  tag: (release: string) => string
  source: string
  /** The range boundary is our inference (the naming itself is attested). */
  inferred?: boolean
}

export const DOCKER_TAG_RULES: readonly DockerTagRule[] = [
  {
    engine: 'vllm', from: '0.7.3', repository: 'vllm/vllm-openai', tag: (v) => `v${v}`,
    source: 'vLLM docs, deployment/docker.md ("vllm/vllm-openai" on Docker Hub, tagged v<version> by the release pipeline); from v0.20.0 the unsuffixed tag is the CUDA 13 build, -cu129 the CUDA 12 one (NVIDIA/Model-Optimizer#2042)',
  },
  {
    engine: 'sglang', from: '0.4.3', until: '0.4.7', repository: 'lmsysorg/sglang', tag: (v) => `v${v}-cu124`,
    source: 'sgl-project/sglang .github/workflows/release-docker.yml (matrix cu118/cu121/cu124/cu125: tag v<version>-cu<cuda>); seen: v0.4.1.post7-cu124 (sglang#3065), v0.4.4.post1-cu124 (nwcdlabs/container-mirror#235), v0.4.6.post4-cu124 (sglang#6418)',
    inferred: true,
  },
  {
    engine: 'sglang', from: '0.4.7', until: '0.5.3', repository: 'lmsysorg/sglang', tag: (v) => `v${v}-cu126`,
    source: 'sglang#8430 (2025-07-28: "Only cuda 12.6 docker image is available in dockerhub now"); seen: v0.4.10-cu126 (DaoCloud/public-image-mirror#43792), v0.5.0rc0-cu126 (slime-ascend docker/README.md)',
    inferred: true,
  },
  {
    engine: 'sglang', from: '0.5.3', repository: 'lmsysorg/sglang', tag: (v) => `v${v}`,
    source: 'sglang#10671 (2025-09-19: "lmsysorg/sglang:v0.5.3 -> release version"); seen: v0.5.12 and v0.5.14-cu130 (SemiAnalysisAI/InferenceX#2061), v0.5.6-cu129-amd64 (InferenceX#275); CUDA 13 is the default build from 0.5.11 (gpustack#5285)',
  },
]

/** Tags seen published, with where. A test checks each against the rule of its release. */
export const DOCKER_TAG_EVIDENCE: ReadonlyArray<{image: string; source: string}> = [
  {image: 'lmsysorg/sglang:v0.4.4.post1-cu124', source: 'https://github.com/nwcdlabs/container-mirror/pull/235'},
  {image: 'lmsysorg/sglang:v0.4.6.post4-cu124', source: 'https://github.com/sgl-project/sglang/issues/6418'},
  {image: 'lmsysorg/sglang:v0.4.10-cu126', source: 'https://github.com/DaoCloud/public-image-mirror/issues/43792'},
  {image: 'lmsysorg/sglang:v0.5.0rc0-cu126', source: 'https://gitcode.com/Ascend/slime-ascend/blob/main/docker/README.md'},
  {image: 'lmsysorg/sglang:v0.5.3', source: 'https://github.com/sgl-project/sglang/pull/10671'},
  {image: 'lmsysorg/sglang:v0.5.12', source: 'https://github.com/SemiAnalysisAI/InferenceX/pull/2061'},
]

function within(rule: DockerTagRule, release: string): boolean {
  const v = parseVersion(release)!
  if (compareVersions(v, parseVersion(rule.from)!) < 0) return false
  return !rule.until || compareVersions(v, parseVersion(rule.until)!) < 0
}

export function tagRule(engine: Engine, release: string): DockerTagRule | null {
  return DOCKER_TAG_RULES.find((r) => r.engine === engine && within(r, release)) ?? null
}

/** The published image of a known release, e.g. `lmsysorg/sglang:v0.4.6.post4-cu124` (null when no rule covers it). */
export function publishedImage(engine: Engine, release: string): string | null {
  const rule = tagRule(engine, release)
  return rule ? `${rule.repository}:${rule.tag(release)}` : null
}

/** Every release in the data with its image and the source of the naming. */
export function publishedImages(engine: Engine): Array<{release: string; image: string; source: string; inferred: boolean}> {
  return knownReleases(engine).flatMap((release) => {
    const rule = tagRule(engine, release)
    return rule ? [{image: `${rule.repository}:${rule.tag(release)}`, inferred: rule.inferred === true, release, source: rule.source}] : []
  })
}
