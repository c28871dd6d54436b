/** The docker form pins a tag the engine project published for the release the command is built for. */
import {describe, expect, it} from 'vitest'

import {ENGINES} from '../../../src/core/constants.js'
import {DOCKER_TAG_EVIDENCE, DOCKER_TAG_RULES, publishedImages, tagRule} from '../../../src/core/engines/docker-tags.js'
import {buildEngine, dockerCommand} from '../../../src/core/engines/index.js'
import {knownReleases} from '../../../src/core/engines/interface.js'
import {GPUS, loadModels, makePlan} from './plans.js'

const models = loadModels()
const distill = models.find((m) => m.id === 'r1-distill-qwen-7b')!
const a100 = GPUS.find((g) => g.label === 'A100')!

describe('published image tags', () => {
  it.each(ENGINES)('%s: exactly one rule, with a source, for every release in the data', (engine) => {
    const images = publishedImages(engine)
    expect(images.map((i) => i.release)).toEqual(knownReleases(engine))
    for (const release of knownReleases(engine)) expect(DOCKER_TAG_RULES.filter((r) => r.engine === engine && tagRule(engine, release) === r)).toHaveLength(1)
    expect(images.every((i) => i.source.length > 20)).toBe(true)
    expect(new Set(images.map((i) => i.image)).size).toBe(images.length)
  })

  it('every tag seen published follows the rule of its release', () => {
    for (const {image, source} of DOCKER_TAG_EVIDENCE) {
      const [repository, tag] = image.split(':')
      const release = /^v(\d+(?:\.\d+)*(?:rc\d+|\.post\d+)?)/.exec(tag)![1]
      const rule = tagRule('sglang', release)
      expect(rule, `${image} (${source})`).not.toBeNull()
      expect(`${rule!.repository}:${rule!.tag(release)}`, source).toBe(`${repository}:${tag}`)
    }
  })

  it.each(ENGINES)('%s: the docker form of every release pins a tag in the list', (engine) => {
    const listed = new Set(publishedImages(engine).map((i) => i.image))
    const checkpoint = distill.checkpoints[0]
    for (const release of knownReleases(engine)) {
      const plan = makePlan({checkpoint, engine, engineVersion: release, goal: 'latency', gpu: a100, model: distill, nodes: 1})
      const {spec} = buildEngine({checkpoint, model: distill, options: {host: '0.0.0.0', port: 8000}, plan})
      const argv = dockerCommand(spec, {engine, engineVersion: release, hfCachePath: '/hf', jetson: null, port: 8000})
      const image = argv.find((word) => word.startsWith('vllm/vllm-openai:') || word.startsWith('lmsysorg/sglang:'))
      expect(listed.has(image!), `${engine} ${release}: ${image}`).toBe(true)
    }
  })
})
