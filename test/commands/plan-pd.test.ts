/** `r1 plan` with a workload: the disaggregated answer for R1 on many nodes, and the aggregated one where it wins. */
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'

import {PlanFile} from '../../src/core/planner/plan.schema.js'
import {PlanResult} from '../../src/core/planner/plan-result.schema.js'
import {ROOT} from '../helpers/cli.js'

const DONE_WHEN = ['plan', '--gpu', 'H100', '--count', '8', '--nodes', '13', '--model', 'deepseek-r1', '--input-tokens', '2000', '--output-tokens', '2000']

describe('r1 plan: prefill/decode disaggregation', () => {
  it('Done when: 13 × 8 H100, 2,000 / 2,000 → a disaggregated plan with prefill:decode within 1:2 and 1:3.5', async () => {
    const {stdout} = await runCommand([...DONE_WHEN, '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(json.status).toBe(0)
    const result = PlanResult.parse(json.result)
    const d = result.disaggregated!
    expect(d.recommended).toBe(true)
    expect(d.ratio.decodePerPrefill).toBeGreaterThanOrEqual(2)
    expect(d.ratio.decodePerPrefill).toBeLessThanOrEqual(3.5)
    expect(d.nodes).toHaveLength(d.ratio.prefillNodes + d.ratio.decodeNodes)
    expect(result.why[0]).toMatch(/^Disaggregated: /)
    expect(d.calibration.filter((r) => r.fit)).toHaveLength(4)
    expect(json.warnings.join('\n')).toMatch(/--node-addresses/)
    expect(json.warnings.join('\n')).not.toMatch(/--head-address/)
  })

  it('for people: the split first, the calibration table, one command per node and the router', async () => {
    const {stdout} = await runCommand([...DONE_WHEN, '--node-addresses', Array.from({length: 13}, (_, i) => `10.1.0.${i + 1}`).join(',')], {root: ROOT})
    expect(stdout).toMatch(/^Recommended: disaggregated DeepSeek-R1 671B .* prefill:decode \d+:\d+ \(1:[\d.]+\)$/m)
    expect(stdout).toMatch(/^ {2}lmsys-h100-decode-2k\tnode\t22,282\t/m)
    expect(stdout).toMatch(/^ {2}# node 0: prefill 0, rank 0 \(leader, HTTP 30000\); r1 serve --role prefill --node-rank 0$/m)
    expect(stdout).toMatch(/^ {2}python3 -m sglang_router\.launch_router --pd-disaggregation --prefill http:\/\/10\.1\.0\.1:30000 8998 --decode /m)
    expect(stdout).not.toContain('<node-')
  })

  it('short outputs stay aggregated and say why', async () => {
    const {stdout} = await runCommand(['plan', '--gpu', 'H100', '--count', '8', '--nodes', '13', '--model', 'deepseek-r1', '--input-tokens', '2000', '--output-tokens', '100', '--json'], {root: ROOT})
    const result = PlanResult.parse(JSON.parse(stdout).result)
    expect(result.disaggregated?.recommended).toBe(false)
    expect(result.why.at(-1)).toMatch(/^Stays aggregated: .*new prompts per decode step/)
  })

  it('one node stays aggregated and says why; without workload flags nothing changes', async () => {
    const {stdout} = await runCommand(['plan', '--gpu', 'H200', '--count', '8', '--input-tokens', '2000', '--json'], {root: ROOT})
    const result = PlanResult.parse(JSON.parse(stdout).result)
    expect(result.disaggregated).toBeNull()
    expect(result.why.at(-1)).toBe('Stays aggregated: disaggregation puts prefill and decode on separate nodes, and there is one node.')
    const plain = PlanResult.parse(JSON.parse((await runCommand(['plan', '--gpu', 'H200', '--count', '8', '--json'], {root: ROOT})).stdout).result)
    expect(plain.why.some((w) => w.includes('aggregated'))).toBe(false)
    expect(plain.plan).toEqual(result.plan)
  })

  it('--out writes the disaggregated part into the plan file', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'r1-pd-')), 'plan.json')
    await runCommand([...DONE_WHEN, '--out', out, '--json'], {root: ROOT})
    const file = PlanFile.parse(JSON.parse(readFileSync(out, 'utf8')))
    expect(file.disaggregated?.router.port).toBe(8000)
  })
})
