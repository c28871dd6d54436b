import {Flags} from '@oclif/core'

import {R1Command} from '../src/cli/base-command.js'
import {clientFlags} from '../src/cli/client-flags.js'
import {noHeadersFlag, wholeFlagWithDefault} from '../src/cli/flags.js'
import {LIMITS} from '../src/core/units.js'
import {EXIT_CODE_HELP} from '../src/cli/exit-codes.js'
import {createProgress, progressEnabled} from '../src/cli/progress.js'
import {renderBench} from '../src/cli/render/bench.js'
import {cliContext} from '../src/cli/run-context.js'
import type {BenchResult} from '../src/core/client/client.schema.js'
import {bench, benchDeps} from '../src/services/bench.js'

export default class Bench extends R1Command {
  static override summary = 'Load-test a running server: TTFT, TPOT, ITL, latency percentiles and throughput.'
  static override description = `Sends --requests streamed requests, --concurrency at a time, each a synthetic prompt of about --input-tokens tokens (one word ≈ one token) with max_tokens = --output-tokens and ignore_eos. Metrics follow vllm bench serve: TTFT = request sent → first streamed token; ITL = gaps between streamed chunks; TPOT = (latency − TTFT) / (output tokens − 1); throughput = tokens or requests / wall time. Output tokens come from the server's usage (stream_options.include_usage), else one per chunk. With --plan, the plan's decode ceiling and KV capacity are printed beside the measurements.

${EXIT_CODE_HELP}`

  static override examples = [
    '<%= config.bin %> bench',
    '<%= config.bin %> bench --concurrency 64 --requests 256 --input-tokens 1024 --output-tokens 256 --plan plan.json',
    '<%= config.bin %> bench --dataset prompts.jsonl --json',
  ]

  static override flags = {
    ...clientFlags,
    concurrency: wholeFlagWithDefault({default: 8, description: 'Requests in flight at once', range: LIMITS.concurrency}),
    requests: wholeFlagWithDefault({default: 64, description: 'Requests in all', range: LIMITS.requests}),
    'input-tokens': wholeFlagWithDefault({default: 512, description: 'Approximate prompt length of the synthetic prompts', range: LIMITS.tokens, tokens: true}),
    'output-tokens': wholeFlagWithDefault({default: 128, description: 'Tokens to generate per request (max_tokens, with ignore_eos)', range: LIMITS.tokens, tokens: true}),
    dataset: Flags.string({description: 'JSONL file of {"prompt": "..."} to send instead of synthetic prompts (used in turn).'}),
    plan: Flags.string({description: 'A plan file (r1 plan --out) whose ceiling and KV capacity to print beside the measurements.'}),
    'no-headers': noHeadersFlag,
  }

  async run(): Promise<BenchResult> {
    const {flags} = await this.parse(Bench)
    const progress = createProgress('bench', {enabled: progressEnabled(this.jsonEnabled())})
    let result: BenchResult
    try {
      result = await bench(benchDeps(() => cliContext(flags.verbose).loadCatalog()), {
        apiKey: flags['api-key'],
        stallMs: flags['stall-timeout'],
        concurrency: flags.concurrency,
        dataset: flags.dataset,
        inputTokens: flags['input-tokens'],
        model: flags.model,
        onProgress: (done, total) => progress.update(done, total),
        onWarning: (m) => {
          progress.stop()
          this.addWarning(m)
        },
        outputTokens: flags['output-tokens'],
        plan: flags.plan,
        requests: flags.requests,
        url: flags.url,
      })
    } finally {
      progress.stop()
    }

    if (!this.jsonEnabled()) this.log(renderBench(result, this.out, Boolean(process.stdout.isTTY), !flags['no-headers']))
    return result
  }
}
