import {Flags} from '@oclif/core'

import {R1Command} from '../src/cli/base-command.js'
import {EXIT_CODE_HELP} from '../src/cli/exit-codes.js'
import {noHeadersFlag, planFlags, profilesFlag} from '../src/cli/flags.js'
import {FORMATS, type ReportFormat} from '../src/cli/render/report/format.js'
import {renderReport} from '../src/cli/render/report/index.js'
import {ENGINES, type Engine, GOALS, type Goal} from '../src/core/constants.js'
import type {ReportResult} from '../src/core/report/report.schema.js'
import {R1Error} from '../src/core/errors.js'
import {FLEET_LIMITS_HELP, LAYOUT_HELP, reportDeps, runReport} from '../src/services/report.js'

export default class Report extends R1Command {
  static override summary = 'Size DeepSeek-R1 and its distills across GPU fleets: the recommended plan per fleet, which model fits where, and what it costs.'
  static override description = `By default, the answer first: one row per fleet entry × context with the plan \`r1 plan\` would recommend there (model, checkpoint, engine, layout, whole requests at once), a fit matrix of models × fleet entries (requests at once at each context, or — where no checkpoint fits), and for R1 on multi-node entries the prefill/decode split (nodes ratio, modelled per-node rates, cost). --all adds every fleet entry × checkpoint × context × engine row: fit or why not, layout, weights and KV cache per GPU, KV capacity, concurrency, the decode CEILING and its cost. Every format (table, markdown, csv, json, html) follows the same choice.

The ceiling is the memory-bandwidth roofline, not a prediction: per decode step each GPU reads its share of the active weights (for R1 only the routed experts the batch picks, 1 − (1 − 8/256)^tokens of them) plus the KV cache of its requests; one step emits one token per request. Real systems sit well below it. "$/M tok AT CEILING" = price per GPU-hour × GPUs the layout occupies / tokens per hour at the ceiling: a floor on the cost. Beside it, "$/M tok MEASURED" is the cost at the best published measurement for the same GPU, GPU count and checkpoint family (R1), with its source URL.

${LAYOUT_HELP}

Default fleet: 18 entries from Pascal to Blackwell and Jetson, with example prices. Fleet file (YAML or JSON): {fleet: [{name, gpu, count, nodes, pricePerGpuHour}]}. ${FLEET_LIMITS_HELP}

--json prints the JSON envelope around exactly what --format json prints; with another --format it needs --output FILE (the file gets that format, stdout the JSON).

${EXIT_CODE_HELP}`

  static override examples = [
    '<%= config.bin %> report',
    '<%= config.bin %> report --fleet "8xH200,2x8xH100@2.49,1xRTX4090" --models r1,qwen-32b --context 8k,128k',
    '<%= config.bin %> report --fleet 13x8xH100@2.99 --models r1 --input-tokens 2000 --output-tokens 2000',
    '<%= config.bin %> report --fleet-file fleet.yaml --format html --output report.html',
    '<%= config.bin %> report --all --format csv --engine vllm --output fleet.csv',
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
    all: Flags.boolean({description: 'Every fleet entry × checkpoint × context × engine row, not only the recommended plans and the fit matrix.'}),
    'no-headers': noHeadersFlag,
    'input-tokens': planFlags['input-tokens'],
    'output-tokens': planFlags['output-tokens'],
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
        all: flags.all,
        contexts: flags.context,
        engine: flags.engine as Engine | undefined,
        fleet: flags.fleet,
        fleetFile: flags['fleet-file'],
        goal: flags.goal as Goal,
        inputTokens: flags['input-tokens'],
        models: flags.models,
        outputTokens: flags['output-tokens'],
        output: flags.output !== undefined ? {force: flags.force, path: flags.output, render: (r) => renderReport(format, r, {tty: false})} : undefined,
      },
    )
    if (written) this.note(`Wrote ${written} (${format}, ${result.view === 'all' ? `${result.rows?.length ?? 0} rows` : `${result.picks.length} picks`}).`)
    else if (!this.jsonEnabled()) this.log((await renderReport(format, result, {headers: !flags['no-headers'], tty})).replace(/\r?\n$/, ''))
    return result
  }
}
