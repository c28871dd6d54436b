import {Flags} from '@oclif/core'

import {R1Command} from '../src/cli/base-command.js'
import {EXIT_CODE_HELP} from '../src/cli/exit-codes.js'
import {profilesFlag} from '../src/cli/flags.js'
import {FORMATS, type ReportFormat} from '../src/cli/render/report/format.js'
import {renderReport} from '../src/cli/render/report/index.js'
import {ENGINES, type Engine, GOALS, type Goal} from '../src/core/constants.js'
import type {ReportResult} from '../src/core/report/report.schema.js'
import {R1Error} from '../src/core/errors.js'
import {reportDeps, runReport} from '../src/services/report.js'

export default class Report extends R1Command {
  static override summary = 'Size DeepSeek-R1 and its distills across GPU fleets: fit, layout, memory, KV capacity, a decode ceiling and its cost.'
  static override description = `One row per fleet entry × checkpoint × context × engine: whether it fits (at least one request of the full context runs) or why not, the planner's best layout, weights and KV cache per GPU, KV capacity in tokens, concurrency at the context, a decode-throughput CEILING and, with a price, the cost per million output tokens at that ceiling.

The ceiling is the memory-bandwidth roofline, not a prediction: per decode step each GPU reads its share of the active weights (for R1 only the routed experts the batch picks, 1 − (1 − 8/256)^tokens of them) plus the KV cache of its requests; one step emits one token per request. Batch = the concurrency at the context (floor of the requests of that length that fit, at least 1), each request holding the full context. Real systems sit well below: measured figures from public benchmarks (each with its source URL) are printed beside it. Cost = price per GPU-hour × GPUs the layout occupies / tokens per hour at the ceiling.

Default fleet: 18 entries from Pascal to Blackwell and Jetson, with example prices. Fleet file (YAML or JSON): {fleet: [{name, gpu, count, nodes, pricePerGpuHour}]}.

${EXIT_CODE_HELP}`

  static override examples = [
    '<%= config.bin %> report',
    '<%= config.bin %> report --fleet "8xH200,2x8xH100@2.49,1xRTX4090" --models r1,qwen-32b --context 8k,128k',
    '<%= config.bin %> report --fleet-file fleet.yaml --format html --output report.html',
    '<%= config.bin %> report --format csv --engine vllm --output fleet.csv',
    '<%= config.bin %> report --fleet 8xH200 --json',
  ]

  static override flags = {
    fleet: Flags.string({description: 'Fleet entries, comma separated: COUNTxGPU or NODESxCOUNTxGPU, optionally @PRICE per GPU-hour ("8xH200,2x8xH100@2.49").', exclusive: ['fleet-file']}),
    'fleet-file': Flags.string({description: 'A YAML or JSON fleet file: {fleet: [{name, gpu, count, nodes, pricePerGpuHour}]}.', exclusive: ['fleet']}),
    models: Flags.string({description: 'Models or checkpoints, comma separated (ids, aliases or repositories). Default: every checkpoint.'}),
    context: Flags.string({description: 'Context lengths in tokens, comma separated (8k = 8192).', default: '8192,32768,131072'}),
    engine: Flags.string({description: 'Only this engine (default: both).', options: [...ENGINES]}),
    goal: Flags.string({description: 'What the layout aims at.', options: [...GOALS], default: 'throughput'}),
    format: Flags.string({char: 'f', description: 'Output format.', options: [...FORMATS], default: 'table'}),
    output: Flags.string({char: 'o', description: 'Write the report to this file (atomically) instead of stdout.'}),
    force: Flags.boolean({description: 'Replace the --output file when it exists.'}),
    profiles: profilesFlag,
  }

  async run(): Promise<ReportResult> {
    const {flags} = await this.parse(Report)
    // --json prints the envelope around what --format json prints; another --format with it would be dropped silently.
    if (this.jsonEnabled() && !flags.output && flags.format !== 'json' && this.argv.some((a) => a === '--format' || a === '-f' || a.startsWith('--format=') || (a.startsWith('-f') && a.length > 2))) {
      throw new R1Error('R1_INVALID_FLAGS', `--format ${flags.format} and --json ask for two outputs; --json prints the JSON envelope (the result of --format json)`, {
        suggestions: [`Drop --json for ${flags.format}, or drop --format for JSON.`, `To keep both: r1 report --format ${flags.format} --output FILE --json`],
      })
    }

    const format = flags.format as ReportFormat
    const tty = Boolean(process.stdout.isTTY) && !flags.output
    const {result, written} = await runReport(
      reportDeps(flags.profiles),
      {
        contexts: flags.context,
        engine: flags.engine as Engine | undefined,
        fleet: flags.fleet,
        fleetFile: flags['fleet-file'],
        goal: flags.goal as Goal,
        models: flags.models,
        output: flags.output !== undefined ? {force: flags.force, path: flags.output, render: (r) => renderReport(format, r, {tty: false})} : undefined,
      },
    )
    if (written) this.note(`Wrote ${written} (${format}, ${result.rows.length} rows).`)
    else if (!this.jsonEnabled()) this.log((await renderReport(format, result, {tty})).replace(/\r?\n$/, ''))
    return result
  }
}
