import {describe, expect, it} from 'vitest'

import {compareVersions, parseVersion} from '../../../src/core/engines/version.js'
import {engineFlagsFor} from '../../../src/core/engines/versions.js'

describe('parseVersion', () => {
  it.each([
    ['0.7.3', [0, 7, 3], 'final', 0],
    ['v0.20.1', [0, 20, 1], 'final', 0],
    ['0.9.1.dev705+g01220ce89', [0, 9, 1], 'dev', 705],
    ['0.5.0rc2', [0, 5, 0], 'pre', 2],
    ['0.4.6.post1', [0, 4, 6], 'post', 1],
    ['0.10', [0, 10, 0], 'final', 0],
    [' 0.11.0\n', [0, 11, 0], 'final', 0],
  ])('%j', (raw, release, phase, phaseNumber) => {
    expect(parseVersion(raw)).toMatchObject({phase, phaseNumber, release})
  })

  it.each(['', 'latest', 'main', '0.x.1', '1.2.3-beta-weird'])('rejects %j', (raw) => {
    expect(parseVersion(raw)).toBeNull()
  })
})

describe('compareVersions', () => {
  const ordered = ['0.4.6', '0.4.6.post1', '0.4.10', '0.5.0.dev3', '0.5.0rc2', '0.5.0', '0.5.0.post1', '0.9.1.dev705+g01220ce89', '0.9.1', '0.10.0', '0.20.1']
  it('orders dev < rc < final < post, numerically', () => {
    for (let i = 0; i + 1 < ordered.length; i++) {
      const a = parseVersion(ordered[i])!
      const b = parseVersion(ordered[i + 1])!
      expect(compareVersions(a, b), `${ordered[i]} < ${ordered[i + 1]}`).toBeLessThan(0)
      expect(compareVersions(b, a)).toBeGreaterThan(0)
    }

    expect(compareVersions(parseVersion('0.9.0')!, parseVersion('v0.9')!)).toBe(0)
  })
})

describe('engineFlagsFor', () => {
  it('falls back to the default target with a warning for an unreadable version', () => {
    const flags = engineFlagsFor('vllm', 'nightly-abc')
    expect(flags.version).toBe('0.20.1')
    expect(flags.warning).toBe('cannot read vllm version "nightly-abc": building for vllm 0.20.1')
    expect(engineFlagsFor('sglang', undefined)).toMatchObject({version: '0.5.14', warning: null})
  })

  it('refuses a rule id that does not exist (a typo would silently drop a flag)', () => {
    expect(() => engineFlagsFor('vllm', '0.20.1').has('enable-reasoningg')).toThrow('no vllm version rule "enable-reasoningg"')
  })

  it.each([
    ['vllm', '0.8.5', 'enable-reasoning', true],
    ['vllm', '0.9.0', 'enable-reasoning', false],
    ['vllm', '0.10.0', 'enable-reasoning', false],
    ['vllm', '0.8.5', 'mtp-method-name', false],
    ['vllm', '0.11.0', 'mtp-method-name', true],
    ['vllm', '0.7.2', 'speculative-config-json', false],
    ['sglang', '0.4.6.post1', 'enable-ep-moe', true],
    ['sglang', '0.4.6.post1', 'ep-size', false],
    ['sglang', '0.5.0rc2', 'ep-size', true],
    ['sglang', '0.4.5', 'enable-flashmla', true],
    ['sglang', '0.4.6', 'enable-flashmla', false],
    ['sglang', '0.5.14', 'cuda-graph-max-bs-decode', false],
    ['sglang', '0.5.15', 'cuda-graph-max-bs-decode', true],
    ['sglang', '0.5.3', 'sampling-defaults', false],
  ] as const)('%s %s: %s = %s', (engine, version, id, expected) => {
    expect(engineFlagsFor(engine, version).has(id)).toBe(expected)
  })
})
