import {describe, expect, it} from 'vitest'

import {atLeast, before, compareVersions, parseVersion} from '../../../src/core/engines/version.js'
import {engineFlagsFor, resolveRelease} from '../../../src/core/engines/versions.js'
import type {R1Error} from '../../../src/core/errors.js'

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

  it.each([
    ['0.4.4.post2', null, 2, null],
    ['0.5.0rc2', {kind: 'rc', number: 2}, null, null],
    ['0.5.0rc2.dev1', {kind: 'rc', number: 2}, null, 1],
    ['0.4.6.post1.dev3', null, 1, 3],
    ['1.0alpha1', {kind: 'a', number: 1}, null, null],
    ['1.0-beta.2', {kind: 'b', number: 2}, null, null],
    ['1.0c1', {kind: 'rc', number: 1}, null, null],
    ['0.9.1.dev705+g01220ce89', null, null, 705],
  ])('%j: pre %j, post %j, dev %j', (raw, pre, post, dev) => {
    expect(parseVersion(raw)).toMatchObject({dev, post, pre})
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

  // PEP 440's own example of the order (packaging.version sorts it the same way).
  const pep440 = ['1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2', '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0.post456.dev34', '1.0.post456', '1.1.dev1']
  it('orders PEP 440\'s example: dev, a, b, rc with their dev and post parts', () => {
    for (let i = 0; i + 1 < pep440.length; i++) {
      const a = parseVersion(pep440[i])!
      const b = parseVersion(pep440[i + 1])!
      expect(compareVersions(a, b), `${pep440[i]} < ${pep440[i + 1]}`).toBeLessThan(0)
      expect(compareVersions(b, a), `${pep440[i + 1]} > ${pep440[i]}`).toBeGreaterThan(0)
      expect(compareVersions(a, parseVersion(pep440[i])!)).toBe(0)
    }
  })

  it.each([
    ['0.5.0rc2.dev1', '0.5.0rc1', 1], // a dev build of rc2 is after rc1 (it was before: "dev" outranked the rc part)
    ['0.4.6.post1.dev2', '0.4.6', 1], // a dev build of post1 is after the release
    ['0.5.0a1', '0.5.0rc0', -1], // a < rc (they compared equal by number)
    ['0.9.0.1', '0.9.0.post1', 1], // a fourth release number is a new release, above any post of 0.9.0
  ])('%s vs %s: %i', (a, b, sign) => {
    expect(Math.sign(compareVersions(parseVersion(a)!, parseVersion(b)!))).toBe(sign)
  })
})

describe('atLeast: a floor (the first release with a flag or behaviour)', () => {
  it.each([
    // The bug: the version's post part was dropped, so a post-release was never at least itself.
    ['0.4.4.post2', '0.4.4.post2', true],
    ['0.4.4.post3', '0.4.4.post2', true],
    ['0.4.4.post1', '0.4.4.post2', false],
    ['0.4.4', '0.4.4.post2', false],
    ['0.4.5', '0.4.4.post2', true],
    ['0.4.10.post2', '0.4.10.post2', true],
    ['0.4.10.post1', '0.4.10.post2', false],
    // A build on its way to the floor counts as the floor (nightlies and release candidates have its code).
    ['0.9.1.dev705+g01220ce89', '0.9.1', true],
    ['0.9.1rc1', '0.9.1', true],
    ['0.9.1rc1.dev3', '0.9.1', true],
    ['0.4.4.post2.dev1', '0.4.4.post2', true],
    ['0.9.0.dev1', '0.9.1', false],
    // A pre-release floor is compared as such.
    ['0.5.0rc2', '0.5.0rc2', true],
    ['0.5.0rc1', '0.5.0rc2', false],
    ['0.5.0rc2.dev4', '0.5.0rc2', true],
    ['0.5.0', '0.5.0rc2', true],
    ['0.5.0b3', '0.5.0rc2', false],
    // Plain releases, as every floor in r1's data is today.
    ['0.9.0', '0.9.0', true],
    ['0.8.5.post1', '0.9.0', false],
    ['0.9.0.1', '0.9.0', true],
    ['0.10.0', '0.9.0', true],
    ['0.10.2', '0.10.2', true],
    ['0.10.1.1', '0.10.2', false],
    ['v0.20.1', '0.20', true],
  ] as const)('%s ≥ %s: %s', (version, floor, expected) => {
    expect(atLeast(parseVersion(version)!, floor)).toBe(expected)
    expect(before(parseVersion(version)!, floor)).toBe(!expected)
  })

  it('refuses a floor that is not a version (a typo in the rules is a bug)', () => {
    expect(() => atLeast(parseVersion('0.9.0')!, 'zero-nine')).toThrow('bad version floor zero-nine')
  })
})

describe('engineFlagsFor: the release whose interface applies', () => {
  it('falls back to the default target with a warning for an unreadable version', () => {
    const flags = engineFlagsFor('vllm', 'nightly-abc')
    expect(flags.version).toBe('0.20.1')
    expect(flags.warning).toBe('cannot read vllm version "nightly-abc": building for vllm 0.20.1')
    expect(engineFlagsFor('sglang', undefined)).toMatchObject({version: '0.5.14', warning: null})
  })

  it.each([
    ['sglang', '0.5.6.post2', '0.5.6.post2', null],
    ['vllm', '0.11.1', '0.11.1', null],
    ['vllm', 'v0.11.2', '0.11.2', null],
    ['vllm', '0.9.1.dev705+g01220ce89', '0.9.0.1', 'vllm 0.9.1.dev705+g01220ce89 is not a release r1 knows: building for 0.9.0.1, the nearest known release below it'],
    ['vllm', '0.8.6', '0.8.5.post1', 'vllm 0.8.6 is not a release r1 knows: building for 0.8.5.post1, the nearest known release below it'],
    ['vllm', '0.29.0', '0.21.0', "vllm 0.29.0 is newer than r1's engine data (0.7.3 to 0.21.0): building for 0.21.0, the newest release r1 knows"],
    ['sglang', '0.5.0', '0.5.0rc2', 'sglang 0.5.0 is not a release r1 knows: building for 0.5.0rc2, the nearest known release below it'],
  ] as const)('%s %s → %s', (engine, version, release, warning) => {
    expect(resolveRelease(engine, version)).toEqual({release, warning})
    expect(engineFlagsFor(engine, version).version).toBe(release)
  })

  it('refuses a version older than every release, with the supported range', () => {
    const error = (() => {
      try {
        resolveRelease('vllm', '0.6.6')
      } catch (error_) {
        return error_ as R1Error
      }
    })()
    expect(error).toMatchObject({code: 'R1_USAGE', message: 'vllm 0.6.6 is older than every release r1 knows (0.7.3 to 0.21.0): r1 supports vllm 0.7.3 to 0.21.0'})
  })

  // semantics.ts `until: '0.4.10.post2'`: the behaviour ends AT that release (atLeast dropped the post part before).
  it.each([
    ['0.4.10', true],
    ['0.4.10.post1', true],
    ['0.4.10.post2', false],
    ['0.5.0rc0', false],
  ] as const)('sglang %s: --enable-ep-moe implies the EP size = %s', (version, expected) => {
    expect(engineFlagsFor('sglang', version).has('ep-moe-implies-ep-size')).toBe(expected)
  })

  it('refuses a semantic rule id that does not exist (a typo would silently drop a behaviour)', () => {
    expect(() => engineFlagsFor('vllm', '0.20.1').has('multi-node-dpp')).toThrow('no vllm semantic rule "multi-node-dpp"')
  })

  // Floors that were inferred from PR dates and now come from each release's parser (shared/engine-cli).
  it.each([
    ['vllm', '0.8.5', '--enable-reasoning', true],
    ['vllm', '0.9.0', '--enable-reasoning', false], // deprecated no-op 0.9.0-0.9.2
    ['vllm', '0.10.0', '--enable-reasoning', false],
    ['vllm', '0.12.0', '--attention-backend', false], // was inferred 0.12.0; the option is new in 0.13.0
    ['vllm', '0.13.0', '--attention-backend', true],
    ['vllm', '0.11.0', '--max-cudagraph-capture-size', false], // was inferred 0.12.0; new in 0.11.1
    ['vllm', '0.11.1', '--max-cudagraph-capture-size', true],
    ['vllm', '0.9.0.1', '--data-parallel-backend', false], // the Ray DP backend: was inferred 0.10.0; new in 0.9.1
    ['vllm', '0.9.1', '--data-parallel-backend', true],
    ['vllm', '0.8.2', '--data-parallel-size', false], // absent 0.8.0-0.8.2
    ['vllm', '0.8.3', '--data-parallel-size', true],
    ['sglang', '0.4.10.post1', '--enable-ep-moe', true],
    ['sglang', '0.4.10.post2', '--enable-ep-moe', false], // deprecated; was inferred until 0.5.0
    ['sglang', '0.5.13.post1', '--cuda-graph-max-bs-decode', false],
    ['sglang', '0.5.14', '--cuda-graph-max-bs-decode', true], // was inferred 0.5.15
    ['sglang', '0.5.14', '--cuda-graph-max-bs', false], // a deprecated alias from 0.5.14
    ['sglang', '0.5.3', '--sampling-defaults', false],
    ['sglang', '0.5.3.post1', '--sampling-defaults', true], // was inferred 0.5.4
    ['sglang', '0.4.6.post4', '--preferred-sampling-params', false],
    ['sglang', '0.4.6.post5', '--preferred-sampling-params', true], // was inferred 0.4.7
  ] as const)('%s %s: %s current = %s', (engine, version, flag, expected) => {
    expect(engineFlagsFor(engine, version).current(flag)).toBe(expected)
  })

  it.each([
    ['sglang', '0.4.10', '--attention-backend', 'trtllm_mla', false],
    ['sglang', '0.4.10.post1', '--attention-backend', 'trtllm_mla', true],
    ['sglang', '0.4.5.post1', '--attention-backend', 'flashmla', false],
    ['sglang', '0.4.5.post2', '--attention-backend', 'flashmla', true],
    ['sglang', '0.4.3.post2', '--reasoning-parser', 'deepseek-r1', false],
    ['sglang', '0.4.3.post3', '--reasoning-parser', 'deepseek-r1', true],
    ['sglang', '0.5.18', '--kv-cache-dtype', 'fp8', false],
    ['sglang', '0.5.18', '--kv-cache-dtype', 'fp8_e4m3', true],
    ['vllm', '0.7.3', '--reasoning-parser', 'deepseek_r1', true],
    ['vllm', '0.10.0', '--reasoning-parser', 'deepseek-r1', false],
    ['vllm', '0.13.0', '--attention-backend', 'flashmla', true], // an enum, matched case-insensitively
    ['vllm', '0.13.0', '--attention-backend', 'NOT_A_BACKEND', false],
  ] as const)('%s %s: %s %s accepted = %s', (engine, version, flag, value, expected) => {
    expect(engineFlagsFor(engine, version).accepts(flag, value)).toBe(expected)
  })
})
