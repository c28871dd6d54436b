import {Args, Flags} from '@oclif/core'

import {R1Command} from '../src/cli/base-command.js'
import {clientFlags} from '../src/cli/client-flags.js'
import {maxTokensFlag, temperatureFlag} from '../src/cli/flags.js'
import {EXIT_CODE_HELP} from '../src/cli/exit-codes.js'
import {chatStreamRenderer, chatSummary} from '../src/cli/render/chat.js'
import {colourEnabled} from '../src/cli/style.js'
import type {ChatResult} from '../src/core/client/client.schema.js'
import {chat, clientDeps} from '../src/services/chat.js'

export default class Chat extends R1Command {
  static override summary = 'Ask a running R1 server one question and stream the reasoning and the answer.'
  static override description = `Sends PROMPT as the only (user) message at temperature 0.6 and top-p 0.95, DeepSeek's settings for R1, with no system prompt. The reasoning (reasoning_content, or the text inside <think>…</think>) is shown dimmed before the answer as it streams; --json returns {reasoning, answer, usage}.

${EXIT_CODE_HELP}`

  static override examples = [
    '<%= config.bin %> chat "What is the capital of Australia?"',
    '<%= config.bin %> chat --math "What is the sum of the first 50 odd numbers?"',
    '<%= config.bin %> chat --url http://gpu-box:8000 --json "Explain MLA in one sentence."',
  ]

  static override args = {prompt: Args.string({description: 'The question (put any instructions here too).', required: true})}

  static override flags = {
    ...clientFlags,
    math: Flags.boolean({description: 'Append "Please reason step by step, and put your final answer within \\boxed{}."'}),
    temperature: temperatureFlag(),
    'max-tokens': maxTokensFlag('Cap on the generated tokens (reasoning included) [default: the server’s]'),
    'answer-only': Flags.boolean({description: 'Print the answer without the reasoning.'}),
    system: Flags.string({description: 'Refused: R1 takes no system prompt (put instructions in PROMPT).', hidden: false}),
  }

  async run(): Promise<ChatResult> {
    const {args, flags} = await this.parse(Chat)
    const json = this.jsonEnabled()
    const view = json ? undefined : chatStreamRenderer((s) => process.stdout.write(s), this.out, {colour: colourEnabled(process.stdout, json), showReasoning: !flags['answer-only']})
    const result = await chat(clientDeps(), {
      apiKey: flags['api-key'],
      stallMs: flags['stall-timeout'],
      math: flags.math,
      maxTokens: flags['max-tokens'],
      model: flags.model,
      onPiece: view ? (p) => view.piece(p) : undefined,
      onWarning: (m) => this.addWarning(m),
      prompt: args.prompt,
      system: flags.system,
      temperature: flags.temperature,
      url: flags.url,
    })
    if (view) {
      view.end(result)
      this.note(this.err.dim(chatSummary(result)))
    }

    return result
  }
}
