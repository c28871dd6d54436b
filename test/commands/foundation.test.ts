import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {Plugin} from '@oclif/core'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'

import {EXIT_CODES} from '../../src/cli/exit-codes.js'
import {ERROR_CODES} from '../../src/core/errors.js'
import {runCli, ROOT} from '../helpers/cli.js'

describe('foundation', () => {
  it('the committed oclif.manifest.json matches a fresh one (npm run manifest)', async () => {
    const plugin = new Plugin({errorOnManifestCreate: true, ignoreManifest: true, respectNoCacheDefault: true, root: ROOT, type: 'core'})
    await plugin.load()
    const committed = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
    const fresh = JSON.parse(JSON.stringify(plugin.manifest))
    expect(Object.keys(fresh.commands).sort()).toEqual(Object.keys(committed.commands).sort())
    expect(fresh.commands).toEqual(committed.commands)
  })

  it('the committed schemas/ match the zod result schemas (npm run schemas)', async () => {
    const {collectSchemas} = (await import(pathToFileURL(join(ROOT, 'dist/src/cli/schemas.js')).href)) as {
      collectSchemas: () => Promise<Record<string, unknown>>
    }
    const fresh = await collectSchemas()
    expect(Object.keys(fresh).length).toBeGreaterThan(0)
    for (const [name, schema] of Object.entries(fresh)) {
      const committed = JSON.parse(readFileSync(join(ROOT, 'schemas', `${name}.json`), 'utf8'))
      expect(committed, `schemas/${name}.json is stale: run npm run schemas`).toEqual(schema)
    }
  })

  it('every command has a result schema in src/cli/result-schemas.ts', async () => {
    const {RESULT_SCHEMAS} = await import('../../src/cli/result-schemas.js')
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
    for (const id of Object.keys(manifest.commands)) expect(RESULT_SCHEMAS, id).toHaveProperty(id.replaceAll(':', '-'))
  })

  it('every error code has an exit code in the one table', () => {
    for (const code of ERROR_CODES) expect(EXIT_CODES[code], code).toBeTypeOf('number')
    expect(EXIT_CODES.R1_DOES_NOT_FIT).toBe(3)
    expect(EXIT_CODES.R1_NO_NVIDIA_SMI).toBe(4)
    expect(EXIT_CODES.R1_ENGINE_FAILED).toBe(5)
    expect(EXIT_CODES.R1_INTERRUPTED).toBe(130)
  })

  it('npm ci builds dist/ (the README runs ./bin/run.js right after npm ci)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(pkg.scripts.prepare).toBe('npm run build')
    expect(pkg.scripts.build).toContain('tsc -p tsconfig.build.json')
  })

  it('package.json sets oclif.exitCodes so a plain error is 1 and parser errors stay 2', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(pkg.oclif.exitCodes.default).toBe(1)
    expect(pkg.oclif.exitCodes.nonExistentFlags).toBe(2)
  })
})

describe('the JSON envelope', () => {
  it('success: status 0, result, warnings (runCommand)', async () => {
    const {stdout} = await runCommand(['profiles', 'show', 'h200', '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(Object.keys(json)).toEqual(['status', 'result', 'warnings'])
    expect(json.status).toBe(0)
    expect(json.result.profile.id).toBe('h200-sxm')
  })

  it('failure: status equals the exit code, with code, message and suggestions (spawned)', async () => {
    const r = await runCli(['profiles', 'show', 'no-such-profile', '--json'])
    expect(r.exitCode).toBe(2)
    const json = JSON.parse(r.stdout)
    expect(json.status).toBe(2)
    expect(json.error.code).toBe('R1_USAGE')
    expect(json.error.suggestions.length).toBeGreaterThan(0)
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
  })

  it('a parser error is a usage error with exit 2 and no stack trace', async () => {
    const r = await runCli(['profiles', 'list', '--no-such-flag'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('Code: R1_INVALID_FLAGS')
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
    expect(r.stdout).toBe('')
  })
})
