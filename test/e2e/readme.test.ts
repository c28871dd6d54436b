/**
 * The README a new user follows (issue 13 item 11): how to put `r1` on PATH, and every example
 * after that calls it `r1`; the examples shown with their output are what r1 prints today.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ROOT, runCli} from '../helpers/cli.js'

const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

describe('README', () => {
  it('says how to put r1 on PATH (npm link or npm install -g .), and the package installs a bin named r1', () => {
    expect(PACKAGE.bin).toEqual({r1: './bin/run.js'})
    const path = README.indexOf('on your PATH')
    expect(path).toBeGreaterThan(0)
    const section = README.slice(path, README.indexOf('## Commands'))
    expect(section).toContain('npm link')
    expect(section).toContain('npm install -g .')
  })

  it('after the PATH section every example calls it r1, never ./bin/run.js or node bin/run.js', () => {
    const after = README.slice(README.indexOf('on your PATH'))
    expect(after.match(/(\.\/bin\/run\.js|node bin\/run\.js)/g) ?? []).toEqual([])
    const examples = after.split('\n').filter((l) => l.startsWith('$ '))
    expect(examples.length).toBeGreaterThan(10)
    for (const e of examples) expect(e, e).toMatch(/(^\$ r1 |\| r1 )/)
  })

  it('the serve --dry-run example\'s plan line is what r1 prints', async () => {
    const shown = /^\$ r1 serve --gpu H200 --count 8 --model r1 --dry-run\n(Plan: .*)$/m.exec(README)
    expect(shown).not.toBeNull()
    const r = await runCli(['serve', '--gpu', 'H200', '--count', '8', '--model', 'r1', '--dry-run'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect((r.stdout + r.stderr).split('\n')).toContain(shown![1])
  })
})
