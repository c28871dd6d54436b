import {Flags} from '@oclif/core'

import {R1Command} from '../src/cli/base-command.js'
import {clientFlags} from '../src/cli/client-flags.js'
import {maxTokensFlag, noHeadersFlag, temperatureFlag, wholeFlag, wholeFlagWithDefault} from '../src/cli/flags.js'
import {LIMITS} from '../src/core/units.js'
import {EXIT_CODE_HELP} from '../src/cli/exit-codes.js'
import {createProgress, progressEnabled} from '../src/cli/progress.js'
import {renderEval} from '../src/cli/render/eval.js'
import type {EvalResult} from '../src/core/client/client.schema.js'
import {evalDeps, evaluate} from '../src/services/eval.js'

export default class Eval extends R1Command {
  static override summary = 'Measure pass@1 of a running R1 server on math problems with integer answers.'
  static override description = `Each problem is asked --samples times at temperature 0.6 and top-p 0.95 with "Please reason step by step, and put your final answer within \\boxed{}."; the answer is the last \\boxed{} and is compared numerically. pass@1 of a problem = correct samples / K; the overall pass@1 is the mean over problems (DeepSeek's protocol), and its standard error is the sample standard deviation of the per-problem pass@1 divided by the square root of the number of problems.

The built-in set has 40 problems written for r1, from arithmetic to competition level. --dataset takes JSONL lines of {"question": "...", "answer": 42}.

${EXIT_CODE_HELP}`

  static override examples = [
    '<%= config.bin %> eval',
    '<%= config.bin %> eval --samples 8 --concurrency 32 --output samples.jsonl',
    '<%= config.bin %> eval --dataset my-problems.jsonl --json',
  ]

  static override flags = {
    ...clientFlags,
    samples: wholeFlagWithDefault({default: 4, description: 'Samples per problem (K)', range: LIMITS.samples}),
    concurrency: wholeFlagWithDefault({default: 16, description: 'Requests in flight at once', range: LIMITS.concurrency}),
    dataset: Flags.string({description: 'JSONL file of {"question", "answer"} with integer answers [default: the built-in set].'}),
    limit: wholeFlag({description: 'Only the first N problems', range: LIMITS.requests}),
    temperature: temperatureFlag(),
    'max-tokens': maxTokensFlag('Cap on the generated tokens per sample [default: the server’s]'),
    output: Flags.string({description: 'Write one JSON line per sample (question, reasoning, answer, extracted, correct) to this file.'}),
    force: Flags.boolean({description: 'Overwrite --output if it exists.'}),
    'no-headers': noHeadersFlag,
  }

  async run(): Promise<EvalResult> {
    const {flags} = await this.parse(Eval)
    const progress = createProgress('eval', {enabled: progressEnabled(this.jsonEnabled())})
    let result: EvalResult
    try {
      result = await evaluate(evalDeps(), {
        apiKey: flags['api-key'],
        stallMs: flags['stall-timeout'],
        concurrency: flags.concurrency,
        dataset: flags.dataset,
        force: flags.force,
        limit: flags.limit,
        maxTokens: flags['max-tokens'],
        model: flags.model,
        onProgress: (done, total, correct) => progress.update(done, total, `correct ${correct}`),
        onWarning: (m) => {
          progress.stop()
          this.addWarning(m)
        },
        output: flags.output,
        samples: flags.samples,
        temperature: flags.temperature,
        url: flags.url,
      })
    } finally {
      progress.stop()
    }

    if (!this.jsonEnabled()) this.log(renderEval(result, this.out, Boolean(process.stdout.isTTY), !flags['no-headers']))
    return result
  }
}
