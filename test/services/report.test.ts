import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {R1Error} from '../../src/core/errors.js'
import type {Catalog} from '../../src/core/profiles/catalog.js'
import {buildReport} from '../../src/core/report/build.js'
import {REPORT_COLUMNS} from '../../src/core/report/columns.js'
import {DEFAULT_FLEET} from '../../src/core/report/default-fleet.js'
import {parseFleetSpec, resolveFleet} from '../../src/core/report/fleet.js'
import {resolveGpuName, selectModels} from '../../src/core/report/options.js'
import type {ReportRow} from '../../src/core/report/report.schema.js'
import {readFleetFile, runReport, type ReportDeps} from '../../src/services/report.js'
import {ROOT} from '../helpers/cli.js'

const catalog = JSON.parse(readFileSync(join(ROOT, 'dist', 'catalog.json'), 'utf8')) as Catalog
const files = (map: Record<string, string>) => async (path: string) => {
  if (path in map) return map[path]
  throw new R1Error('R1_FILE_NOT_FOUND', `file not found: ${path}`)
}

function deps(extra: Partial<ReportDeps> = {}): ReportDeps {
  return {
    loadCatalog: async () => catalog,
    readFile: async (p) => {
      throw new Error(`unexpected read of ${p}`)
    },
    writeFile: (p) => {
      throw new Error(`unexpected write of ${p}`)
    },
    ...extra,
  }
}

async function rejection(p: Promise<unknown>): Promise<R1Error> {
  try {
    await p
  } catch (error) {
    if (error instanceof R1Error) return error
    throw error
  }

  throw new Error('expected a rejection')
}

const row = (rows: ReportRow[], fleet: string, checkpoint: string, context: number, engine: string) =>
  rows.find((r) => r.fleet === fleet && r.checkpoint === checkpoint && r.context === context && r.engine === engine)!

describe('runReport', () => {
  it('one row per fleet entry × checkpoint × context × engine, with the JSON contract\'s columns', async () => {
    const {result, written} = await runReport(deps(), {contexts: '8k,128k', fleet: '8xH200,1xRTX4090', all: true, goal: 'throughput', models: 'r1,qwen-7b'})
    expect(written).toBeNull()
    const checkpoints = 6 + 3
    expect(result.rows!).toHaveLength(2 * checkpoints * 2 * 2)
    for (const r of result.rows!) expect(Object.keys(r)).toEqual([...REPORT_COLUMNS])
    expect(result.contexts).toEqual([8192, 131_072])
    expect(result.engines).toEqual(['sglang', 'vllm'])
    expect(result.checkpoints.map((c) => c.id)).toEqual(['r1-0528-fp8', 'r1-fp8', 'r1-int8', 'r1-awq', 'r1-0528-fp4', 'r1-0528-bf16', 'qwen-7b-bf16', 'qwen-7b-fp8', 'qwen-7b-awq'])
    expect(result.checkpoints[1]).toEqual({checkpoint: 'deepseek-ai/DeepSeek-R1', id: 'r1-fp8', model: 'deepseek-r1', quantization: 'fp8'})
  })

  it('R1 FP8 fits 8×H200 with a layout, memory per GPU, KV capacity and a ceiling; not one RTX 4090', async () => {
    const {result} = await runReport(deps(), {contexts: '8192', fleet: '8xH200@3.50,1xRTX4090', all: true, goal: 'throughput', models: 'r1-fp8'})
    const h200 = row(result.rows!, '8xH200', 'deepseek-ai/DeepSeek-R1', 8192, 'sglang')
    expect(h200).toMatchObject({fits: true, gpu: 'H200 SXM 141GB', gpusPerNode: 8, nodes: 1, quantization: 'fp8', reason: null})
    expect(h200.tensorParallel! * (h200.pipelineParallel ?? 1)).toBe(8)
    // 671B in FP8 over 8 GPUs: about 80 GiB of weights each.
    expect(h200.weightsGiB).toBeGreaterThan(75)
    expect(h200.weightsGiB).toBeLessThan(90)
    expect(h200.kvCacheGiB).toBeGreaterThan(10)
    expect(h200.kvCacheTokens).toBeGreaterThan(100_000)
    expect(h200.maxConcurrency).toBeGreaterThan(8)
    // The roofline: above the measured figures (61–2,283 tok/s at these sizes), below bandwidth / active bytes at batch 1 × batch.
    expect(h200.decodeTokensPerSecondCeiling).toBeGreaterThan(1000)
    expect(h200.decodeTokensPerSecondCeiling).toBeLessThan(h200.maxConcurrency! * 1400)
    // $3.50 × 8 GPUs per hour over the ceiling's tokens per hour.
    expect(h200.costPerMillionTokensAtCeiling).toBeCloseTo((3.5 * 8 * 1e6) / (h200.decodeTokensPerSecondCeiling! * 3600), 2)

    const r4090 = row(result.rows!, '1xRTX4090', 'deepseek-ai/DeepSeek-R1', 8192, 'vllm')
    expect(r4090).toMatchObject({costPerMillionTokensAtCeiling: null, decodeTokensPerSecondCeiling: null, fits: false, kvCacheTokens: null, tensorParallel: null, weightsGiB: null})
    expect(r4090.reason).toMatch(/weights need [\d.]+ GiB per GPU/)
  })

  it('no price, no cost; the ceiling is still there', async () => {
    const {result} = await runReport(deps(), {contexts: '8192', fleet: '1xRTX4090', all: true, goal: 'throughput', models: 'qwen-7b-awq'})
    const r = row(result.rows!, '1xRTX4090', 'casperhansen/deepseek-r1-distill-qwen-7b-awq', 8192, 'vllm')
    expect(r.fits).toBe(true)
    expect(r.decodeTokensPerSecondCeiling).toBeGreaterThan(0)
    expect(r.costPerMillionTokensAtCeiling).toBeNull()
  })

  it('not one request of the context: not a fit, even where SGLang would start', async () => {
    const {result} = await runReport(deps(), {contexts: '128k', engine: 'sglang', fleet: '1xRTX4090', all: true, goal: 'throughput', models: 'qwen-32b-awq'})
    const r = result.rows![0]
    expect(r.fits).toBe(false)
    expect(r.reason).toMatch(/^SGLang would start, but its KV cache holds [\d,]+ tokens per request: not one 131,072-token request$/)
    expect([r.maxConcurrency, r.decodeTokensPerSecondCeiling, r.weightsGiB]).toEqual([null, null, null])
  })

  it('a longer context serves fewer requests and lowers the ceiling', async () => {
    const {result} = await runReport(deps(), {contexts: '8k,32k,128k', engine: 'sglang', fleet: '8xH200', all: true, goal: 'throughput', models: 'r1-fp8'})
    const [a, b, c] = [8192, 32_768, 131_072].map((ctx) => row(result.rows!, '8xH200', 'deepseek-ai/DeepSeek-R1', ctx, 'sglang'))
    expect(a.maxConcurrency!).toBeGreaterThan(b.maxConcurrency!)
    expect(b.maxConcurrency!).toBeGreaterThan(c.maxConcurrency!)
    expect(a.decodeTokensPerSecondCeiling!).toBeGreaterThan(c.decodeTokensPerSecondCeiling!)
    expect(result.engines).toEqual(['sglang'])
  })

  it('--goal latency takes the widest tensor parallelism on one node, one replica', async () => {
    const {result} = await runReport(deps(), {contexts: '8192', fleet: '8xH200', all: true, goal: 'latency', models: 'r1-fp8,qwen-32b-bf16'})
    expect(result.goal).toBe('latency')
    for (const r of result.rows!) expect([r.checkpoint, r.engine, r.fits, r.tensorParallel, r.dataParallel]).toEqual([r.checkpoint, r.engine, true, 8, 1])
    const throughput = (await runReport(deps(), {contexts: '8192', engine: 'sglang', fleet: '8xH200', all: true, goal: 'throughput', models: 'qwen-32b-bf16'})).result.rows![0]
    expect(throughput.dataParallel).toBeGreaterThan(1)
  })

  it('the narrowed search at longer contexts gives the same rows as the full search at every context', () => {
    const fleet = resolveFleet(parseFleetSpec('8xH100,2x8xH100,4xL40S,1xT4,1xAGX-Orin-64GB'), (n) => resolveGpuName(catalog.gpus, n))
    const input = {contexts: [8192, 32_768, 131_072], engines: catalog.engines, fleet, goal: 'throughput' as const, models: selectModels(catalog, undefined)}
    expect(buildReport({...input, all: true}).rows).toEqual(buildReport({...input, all: true, exhaustive: true}).rows)
  })

  it('the default fleet: ≥ 15 entries × every checkpoint × 3 contexts × both engines, with example prices said to be examples', async () => {
    const {result} = await runReport(deps(), {goal: 'throughput', all: true})
    const checkpoints = catalog.models.reduce((n, m) => n + m.checkpoints.length, 0)
    expect(result.fleet.length).toBe(DEFAULT_FLEET.length)
    expect(result.rows!).toHaveLength(DEFAULT_FLEET.length * checkpoints * 3 * 2)
    expect(result.notes.join(' ')).toContain('examples')
    // Something fits on every entry from Turing to Jetson (a distill at least); Pascal and Volta run neither engine (engines.md §0).
    const old = new Set(['pascal', 'volta'])
    for (const f of result.fleet.filter((x) => !old.has(x.architecture))) expect(result.rows!.some((r) => r.fleet === f.name && r.fits), f.name).toBe(true)
    const oldFleets = new Set(result.fleet.filter((x) => old.has(x.architecture)).map((x) => x.name))
    expect(oldFleets).toEqual(new Set(['1xP100', '4xP40', '8xV100-32GB']))
    for (const r of result.rows!.filter((x) => oldFleets.has(x.fleet))) {
      expect(r.fits).toBe(false)
      expect(r.reason).toMatch(/compute capability/)
    }

    // Nothing of R1 671B fits one 24 GB card.
    expect(result.rows!.filter((r) => r.fleet === '1xRTX4090' && r.model === 'deepseek-r1').every((r) => !r.fits)).toBe(true)
    // Memory bars: per GPU they add up to the GPU's total.
    for (const m of result.memory) {
      expect(m.weightsGiB + m.kvCacheGiB + m.overheadGiB + m.freeGiB, `${m.fleet} ${m.checkpoint}`).toBeCloseTo(m.gpuTotalGiB, 0)
    }

    // Measured figures are matched to the entries they describe.
    const b200 = result.published.find((p) => p.outputTokensPerSecond === 2283)!
    expect(b200.matches).toEqual([expect.objectContaining({fleet: '8xB200', quantization: 'fp8'})])
    expect(b200.matches[0].ceiling).toBeGreaterThan(2283)
  })

  it('an unknown GPU in --fleet is R1_UNKNOWN_GPU naming the entry', async () => {
    const e = await rejection(runReport(deps(), {fleet: '8xH200,4xH2O0', goal: 'throughput', all: true}))
    expect(e.code).toBe('R1_UNKNOWN_GPU')
    expect(e.message).toBe('--fleet entry "4xH2O0": unknown GPU "H2O0"')
  })

  it('--fleet with --fleet-file is a usage error', async () => {
    expect((await rejection(runReport(deps(), {fleet: '8xH200', fleetFile: 'f.yaml', goal: 'throughput', all: true}))).code).toBe('R1_USAGE')
  })

  it('--output renders the result and writes it through the writer, with --force passed on', async () => {
    const writes: Array<[string, string, boolean]> = []
    const {result, written} = await runReport(
      deps({
        writeFile: (p, t, o) => {
          writes.push([p, t, o.force])
          return `/abs/${p}`
        },
      }),
      {contexts: '8192', fleet: '1xT4', all: true, goal: 'throughput', models: 'qwen-1.5b', output: {force: true, path: 'r.csv', render: async (r) => `rows=${r.rows!.length}`}},
    )
    expect(written).toBe('/abs/r.csv')
    expect(writes).toEqual([['r.csv', `rows=${result.rows!.length}`, true]])
  })
})

describe('fleet files', () => {
  const yaml = `# our GPUs
fleet:
  - name: prod-h200
    gpu: H200
    count: 8
    pricePerGpuHour: 3.1
  - name: lab
    gpu: RTX 4090
    count: 2
  - name: spark
    gpu: b200
    count: 8
    nodes: 2
`

  it('YAML: entries with names, counts, nodes and prices', async () => {
    const specs = await readFleetFile('fleet.yaml', files({'fleet.yaml': yaml}))
    expect(specs).toEqual([
      {gpu: 'H200', gpusPerNode: 8, name: 'prod-h200', nodes: 1, pricePerGpuHour: 3.1},
      {gpu: 'RTX 4090', gpusPerNode: 2, name: 'lab', nodes: 1, pricePerGpuHour: null},
      {gpu: 'b200', gpusPerNode: 8, name: 'spark', nodes: 2, pricePerGpuHour: null},
    ])
    const {result} = await runReport(deps({readFile: files({'fleet.yaml': yaml})}), {contexts: '8192', fleetFile: 'fleet.yaml', all: true, goal: 'throughput', models: 'qwen-7b-bf16'})
    expect(result.fleet.map((f) => [f.name, f.gpuId, f.gpusPerNode, f.nodes, f.pricePerGpuHour])).toEqual([
      ['prod-h200', 'h200-sxm', 8, 1, 3.1],
      ['lab', 'rtx-4090', 2, 1, null],
      ['spark', 'b200', 8, 2, null],
    ])
    expect(result.notes).toEqual([])
  })

  it('JSON works the same', async () => {
    const json = JSON.stringify({fleet: [{count: 4, gpu: 'L40S', name: 'l40s-box', pricePerGpuHour: 0.9}]})
    expect(await readFleetFile('f.json', files({'f.json': json}))).toEqual([{gpu: 'L40S', gpusPerNode: 4, name: 'l40s-box', nodes: 1, pricePerGpuHour: 0.9}])
  })

  it.each([
    ['a count of zero, with its path and line', 'fleet:\n  - name: a\n    gpu: H100\n    count: 0\n', /^f\.yaml: fleet\[0\]\.count \(line 4\): Too small/],
    ['a typo in a field name', 'fleet:\n  - name: a\n    gpu: H100\n    count: 8\n    nodess: 2\n', /^f\.yaml: fleet\[0\] \(line 2\): Unrecognized key: "nodess"/],
    ['a missing field', 'fleet:\n  - name: a\n    count: 8\n', /^f\.yaml: fleet\[0\]\.gpu \(line 2\): Invalid input: expected string, received undefined/],
    ['two entries with one name', 'fleet:\n  - {name: a, gpu: H100, count: 8}\n  - {name: a, gpu: H200, count: 8}\n', /^f\.yaml: fleet\[1\]\.name \(line 3\): duplicate name "a"/],
    ['no fleet at all', 'gpus: []\n', /^f\.yaml: fleet: Invalid input/],
    ['bad YAML', 'fleet: [\n', /^f\.yaml: not valid YAML/],
  ])('%s → R1_BAD_FLEET_FILE', async (_, text, message) => {
    const e = await rejection(readFleetFile('f.yaml', files({'f.yaml': text})))
    expect(e.code).toBe('R1_BAD_FLEET_FILE')
    expect(e.message).toMatch(message)
  })

  it('bad JSON → R1_BAD_FLEET_FILE; a missing file → R1_FILE_NOT_FOUND', async () => {
    expect((await rejection(readFleetFile('f.json', files({'f.json': '{"fleet": [}'})))).message).toMatch(/^f\.json: not valid JSON/)
    expect((await rejection(readFleetFile('nope.yaml', files({})))).code).toBe('R1_FILE_NOT_FOUND')
  })

  it('an unknown GPU in a fleet file names the file and the entry', async () => {
    const text = 'fleet:\n  - {name: a, gpu: H100, count: 8}\n  - {name: b, gpu: Z9000, count: 8}\n'
    const e = await rejection(runReport(deps({readFile: files({'f.yaml': text})}), {fleetFile: 'f.yaml', goal: 'throughput', all: true}))
    expect(e.code).toBe('R1_UNKNOWN_GPU')
    expect(e.message).toBe('f.yaml: fleet[1].gpu: unknown GPU "Z9000"')
  })
})
